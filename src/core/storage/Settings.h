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

    QSettings* backend() const { return m_settings; }

private:
    std::unique_ptr<QSettings> m_owned;
    QSettings* m_settings = nullptr;
};

} // namespace anyrouter
