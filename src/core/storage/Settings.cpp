// Settings: the key table and typed access.
#include "core/storage/Settings.h"

#include "core/storage/StorageLog.h"

#include <QSettings>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

struct KeyInfo
{
    Settings::Key key;
    const char* name;
    QVariant defaultValue; // its type is the key's type
};

// The one table of settings. Add a key here and in Settings::Key; never rename a stored name
// (that loses the user's value) without migrating it.
const QList<KeyInfo>& keyTable()
{
    static const QList<KeyInfo> table = {
        {Settings::Key::LastWorkspaceId, "workspace/last", QVariant(QString())},
        {Settings::Key::EnterSends, "chat/enterSends", QVariant(true)},
        {Settings::Key::LowBalanceThreshold, "account/lowBalanceThreshold", QVariant(1.0)},
        {Settings::Key::CatalogFilterState, "catalog/filter", QVariant(QByteArray())},
        {Settings::Key::CloseToTray, "tray/closeToTray", QVariant(true)},
        {Settings::Key::TrayHintShown, "tray/hintShown", QVariant(false)},
        {Settings::Key::StartAtLogin, "startup/atLogin", QVariant(false)},
        {Settings::Key::StartHidden, "startup/hidden", QVariant(false)},
        {Settings::Key::QuickPromptShortcut, "quickPrompt/shortcut",
         QVariant(Settings::defaultQuickPromptShortcut())},
        {Settings::Key::QuickPromptModel, "quickPrompt/model", QVariant(QString())},
    };
    return table;
}

const KeyInfo& info(Settings::Key k)
{
    for (const KeyInfo& i : keyTable()) {
        if (i.key == k)
            return i;
    }
    Q_UNREACHABLE();
}

} // namespace

Settings::Settings(QSettings* s) : m_settings(s)
{
    if (!m_settings) {
        m_owned = std::make_unique<QSettings>();
        m_settings = m_owned.get();
    }
}

Settings::~Settings() = default;

QString Settings::keyName(Key k)
{
    return QString::fromLatin1(info(k).name);
}

QVariant Settings::defaultValue(Key k)
{
    return info(k).defaultValue;
}

QList<Settings::Key> Settings::allKeys()
{
    QList<Key> keys;
    for (const KeyInfo& i : keyTable())
        keys.append(i.key);
    return keys;
}

QVariant Settings::value(Key k) const
{
    const KeyInfo& i = info(k);
    QVariant v = m_settings->value(QString::fromLatin1(i.name));
    if (!v.isValid())
        return i.defaultValue;
    // INI files hand back strings; convert to the declared type, falling back to the default when
    // a hand-edited value makes no sense.
    if (v.metaType() != i.defaultValue.metaType() && !v.convert(i.defaultValue.metaType())) {
        qCWarning(lcStorage) << "setting" << i.name << "has an unusable value; using the default";
        return i.defaultValue;
    }
    return v;
}

bool Settings::setValue(Key k, const QVariant& v)
{
    const KeyInfo& i = info(k);
    QVariant typed = v;
    if (typed.metaType() != i.defaultValue.metaType() && !typed.convert(i.defaultValue.metaType())) {
        qCWarning(lcStorage) << "refusing a value of type" << v.metaType().name() << "for setting" << i.name;
        return false;
    }
    m_settings->setValue(QString::fromLatin1(i.name), typed);
    return true;
}

void Settings::reset(Key k)
{
    m_settings->remove(keyName(k));
}

bool Settings::contains(Key k) const
{
    return m_settings->contains(keyName(k));
}

void Settings::sync()
{
    m_settings->sync();
}

QString Settings::lastWorkspaceId() const
{
    return value(Key::LastWorkspaceId).toString();
}
void Settings::setLastWorkspaceId(const QString& id)
{
    setValue(Key::LastWorkspaceId, id);
}
bool Settings::enterSends() const
{
    return value(Key::EnterSends).toBool();
}
void Settings::setEnterSends(bool on)
{
    setValue(Key::EnterSends, on);
}
double Settings::lowBalanceThreshold() const
{
    return value(Key::LowBalanceThreshold).toDouble();
}
void Settings::setLowBalanceThreshold(double usd)
{
    setValue(Key::LowBalanceThreshold, usd);
}

QString Settings::defaultQuickPromptShortcut()
{
    return u"Ctrl+Alt+Space"_s;
}

bool Settings::closeToTray() const
{
    return value(Key::CloseToTray).toBool();
}

void Settings::setCloseToTray(bool on)
{
    setValue(Key::CloseToTray, on);
}

bool Settings::trayHintShown() const
{
    return value(Key::TrayHintShown).toBool();
}

void Settings::setTrayHintShown(bool shown)
{
    setValue(Key::TrayHintShown, shown);
}

bool Settings::startAtLogin() const
{
    return value(Key::StartAtLogin).toBool();
}

void Settings::setStartAtLogin(bool on)
{
    setValue(Key::StartAtLogin, on);
}

bool Settings::startHidden() const
{
    return value(Key::StartHidden).toBool();
}

void Settings::setStartHidden(bool on)
{
    setValue(Key::StartHidden, on);
}

QString Settings::quickPromptShortcut() const
{
    return value(Key::QuickPromptShortcut).toString();
}

void Settings::setQuickPromptShortcut(const QString& portableText)
{
    setValue(Key::QuickPromptShortcut, portableText);
}

QString Settings::quickPromptModel() const
{
    return value(Key::QuickPromptModel).toString();
}

void Settings::setQuickPromptModel(const QString& modelId)
{
    setValue(Key::QuickPromptModel, modelId);
}

} // namespace anyrouter
