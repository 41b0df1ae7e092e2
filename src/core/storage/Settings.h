// Settings: typed application settings over QSettings. Every key, its stored name, type and default
// is declared in one table (Settings.cpp), so there are no stray QSettings().value("foo") calls.
// Never holds secrets: keys live in the SecretStore, and no Key exists for one.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>

#include <memory>

class QSettings;

namespace anyrouter {

class Settings
{
public:
    enum class Key
    {
        LastWorkspaceId,     // QString
        EnterSends,          // bool, default true (Shift+Enter = newline)
        LowBalanceThreshold, // double USD, default 1.0
        CatalogFilterState,  // QByteArray: CatalogFilter::toJson() as compact JSON, empty = none
        CloseToTray,         // bool, default true: closing the window hides it when a tray exists
        TrayHintShown,       // bool: "the app keeps running in the tray" was said once
        StartAtLogin,        // bool: mirrored by the platform's autostart entry
        StartHidden,         // bool: start in the tray without showing the window (when a tray exists)
        QuickPromptShortcut, // QString, QKeySequence::PortableText; empty = no global shortcut
        QuickPromptModel,    // QString: the model the quick prompt used last (empty = the workspace's)
    };

    // s == nullptr: a default-constructed QSettings (organisation/application names) owned by this
    // object; otherwise s is borrowed and must outlive it.
    explicit Settings(QSettings* s = nullptr);
    ~Settings();
    Settings(const Settings&) = delete;
    Settings& operator=(const Settings&) = delete;

    QVariant value(Key k) const; // the stored value converted to the key's type, else the default
    // Refuses (returns false) a value that does not convert to the key's type.
    bool setValue(Key k, const QVariant& v);
    void reset(Key k);
    bool contains(Key k) const;
    void sync();

    static QString keyName(Key k);       // e.g. "chat/enterSends"
    static QVariant defaultValue(Key k); // carries the key's type
    static QList<Key> allKeys();

    QString lastWorkspaceId() const;
    void setLastWorkspaceId(const QString& id);
    bool enterSends() const;
    void setEnterSends(bool on);
    double lowBalanceThreshold() const;
    void setLowBalanceThreshold(double usd);
    bool closeToTray() const;
    void setCloseToTray(bool on);
    bool trayHintShown() const;
    void setTrayHintShown(bool shown);
    bool startAtLogin() const;
    void setStartAtLogin(bool on);
    bool startHidden() const;
    void setStartHidden(bool on);
    QString quickPromptShortcut() const; // portable text, e.g. "Ctrl+Alt+Space"
    void setQuickPromptShortcut(const QString& portableText);
    QString quickPromptModel() const;
    void setQuickPromptModel(const QString& modelId);

    static QString defaultQuickPromptShortcut();

    QSettings* backend() const { return m_settings; }

private:
    std::unique_ptr<QSettings> m_owned;
    QSettings* m_settings = nullptr;
};

} // namespace anyrouter
