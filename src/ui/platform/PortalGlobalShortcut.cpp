// PortalGlobalShortcut: CreateSession -> BindShortcuts("quick-prompt") -> Activated, over QtDBus,
// following the org.freedesktop.portal.GlobalShortcuts spec (version 1 suffices). Each call returns
// a Request object path at once and answers later with its Response signal; we listen on the
// predictable path (…/request/SENDER/TOKEN) before calling, so no answer can slip past.
#include "ui/platform/PortalGlobalShortcut.h"

#include <QCoreApplication>
#include <QDBusAbstractInterface>
#include <QDBusArgument>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace anyrouter {

Q_DECLARE_LOGGING_CATEGORY(lcGlobalShortcut) // defined in GlobalShortcut.cpp

namespace portal {

constexpr auto kService = "org.freedesktop.portal.Desktop"_L1;
constexpr auto kDesktopPath = "/org/freedesktop/portal/desktop"_L1;
constexpr auto kInterface = "org.freedesktop.portal.GlobalShortcuts"_L1;
constexpr auto kShortcutId = "quick-prompt"_L1;
// Request::Response codes.
constexpr uint kSuccess = 0;
constexpr uint kCancelled = 1;
constexpr uint kFailed = 2;

// One element of a(sa{sv}): a shortcut id and its properties.
struct Shortcut
{
    QString id;
    QVariantMap properties;
};

QDBusArgument& operator<<(QDBusArgument& argument, const Shortcut& shortcut)
{
    argument.beginStructure();
    argument << shortcut.id << shortcut.properties;
    argument.endStructure();
    return argument;
}

const QDBusArgument& operator>>(const QDBusArgument& argument, Shortcut& shortcut)
{
    argument.beginStructure();
    argument >> shortcut.id >> shortcut.properties;
    argument.endStructure();
    return argument;
}

// Typed proxies: QtDBus relays a remote signal to the proxy's Qt signal of the same name and
// signature once something connects to it, which keeps every connect pointer-to-member. The
// signals carry the D-Bus names, hence their capitals.
class GlobalShortcutsInterface : public QDBusAbstractInterface
{
    Q_OBJECT
public:
    explicit GlobalShortcutsInterface(const QDBusConnection& bus, QObject* parent = nullptr)
        : QDBusAbstractInterface(kService, kDesktopPath, "org.freedesktop.portal.GlobalShortcuts", bus,
                                 parent)
    {}
signals:
    void Activated(const QDBusObjectPath& session, const QString& shortcutId, qulonglong timestamp,
                   const QVariantMap& options);
};

class RequestInterface : public QDBusAbstractInterface
{
    Q_OBJECT
public:
    RequestInterface(const QString& path, const QDBusConnection& bus, QObject* parent)
        : QDBusAbstractInterface(kService, path, "org.freedesktop.portal.Request", bus, parent)
    {}
signals:
    void Response(uint response, const QVariantMap& results);
};

class SessionInterface : public QDBusAbstractInterface
{
    Q_OBJECT
public:
    SessionInterface(const QString& path, const QDBusConnection& bus, QObject* parent)
        : QDBusAbstractInterface(kService, path, "org.freedesktop.portal.Session", bus, parent)
    {}
signals:
    void Closed(const QVariantMap& details);
};

// CreateSession returns the handle as a string (a historical mistake the spec keeps); accept a
// proper object path too.
QString sessionHandleOf(const QVariantMap& results)
{
    const QVariant value = results.value(u"session_handle"_s);
    if (value.metaType() == QMetaType::fromType<QDBusObjectPath>())
        return value.value<QDBusObjectPath>().path();
    return value.toString();
}

} // namespace portal

} // namespace anyrouter

Q_DECLARE_METATYPE(anyrouter::portal::Shortcut)

namespace anyrouter {

bool PortalGlobalShortcut::isOffered(QString* why)
{
    const QDBusConnection bus = QDBusConnection::sessionBus();
    QString reason;
    if (!bus.isConnected()) {
        reason = tr("this session has no D-Bus session bus, which the desktop portal needs");
    } else {
        // Blocking, once, at start-up and only on Wayland: Settings must know at once whether the
        // shortcut can work. Reading the interface's version property asks the portal itself (it
        // is started on demand), and the timeout bounds the wait if it hangs.
        QDBusMessage get = QDBusMessage::createMethodCall(portal::kService, portal::kDesktopPath,
                                                          u"org.freedesktop.DBus.Properties"_s, u"Get"_s);
        get << QString(portal::kInterface) << u"version"_s;
        const QDBusMessage reply = bus.call(get, QDBus::Block, 2000);
        if (reply.type() == QDBusMessage::ReplyMessage) {
            if (why)
                why->clear();
            return true;
        }
        const QString error = reply.errorName();
        qCInfo(lcGlobalShortcut) << "No GlobalShortcuts portal:" << error;
        if (error == "org.freedesktop.DBus.Error.ServiceUnknown"_L1 ||
            error == "org.freedesktop.DBus.Error.NameHasNoOwner"_L1)
            reason = tr("this Wayland session has no desktop portal (xdg-desktop-portal)");
        else if (error == "org.freedesktop.DBus.Error.NoReply"_L1 ||
                 error == "org.freedesktop.DBus.Error.Timeout"_L1)
            reason = tr("the desktop portal did not answer");
        else
            reason = tr("the desktop portal of this session does not offer global shortcuts");
    }
    if (why)
        *why = reason;
    return false;
}

QString PortalGlobalShortcut::triggerOf(const QKeySequence& sequence)
{
    const auto chord = chordOf(sequence, nullptr);
    QString name;
    if (!chord || !keysymOf(chord->key, nullptr, &name))
        return {};
    // The modifier names are xkbcommon's, in the spec's spelling.
    QStringList parts;
    if (chord->modifiers & Qt::ControlModifier)
        parts << u"CTRL"_s;
    if (chord->modifiers & Qt::AltModifier)
        parts << u"ALT"_s;
    if (chord->modifiers & Qt::ShiftModifier)
        parts << u"SHIFT"_s;
    if (chord->modifiers & Qt::MetaModifier)
        parts << u"LOGO"_s;
    parts << name;
    return parts.join(u'+');
}

PortalGlobalShortcut::PortalGlobalShortcut(QObject* parent)
    : GlobalShortcut(parent), m_bus(QDBusConnection::sessionBus()),
      m_portal(std::make_unique<portal::GlobalShortcutsInterface>(m_bus))
{
    qDBusRegisterMetaType<portal::Shortcut>();
    qDBusRegisterMetaType<QList<portal::Shortcut>>();
    // QtDBus finds a relayed signal's argument types by name; until QDBusObjectPath is registered
    // by name, connecting to Activated silently relays nothing (seen with Qt 6.4).
    qRegisterMetaType<QDBusObjectPath>();
    connect(m_portal.get(), &portal::GlobalShortcutsInterface::Activated, this,
            [this](const QDBusObjectPath& session, const QString& shortcutId) {
                onActivated(session, shortcutId);
            });
}

PortalGlobalShortcut::~PortalGlobalShortcut()
{
    closeSession();
}

QString PortalGlobalShortcut::backendName() const
{
    return u"XDG portal"_s;
}

bool PortalGlobalShortcut::setShortcut(const QKeySequence& sequence)
{
    if (sequence.isEmpty()) {
        ++m_generation;
        closeSession();
        m_trigger.clear();
        m_pending = false;
        setRegisteredShortcut({});
        setErrorString({});
        return true;
    }
    QString error;
    if (!chordOf(sequence, &error))
        return fail(error);
    const QString trigger = triggerOf(sequence);
    if (trigger.isEmpty())
        return fail(cannotUseMessage(sequence));
    if (trigger == m_trigger && (m_pending || !m_session.isEmpty())) {
        setRegisteredShortcut(sequence);
        return true;
    }
    ++m_generation;
    closeSession();
    m_trigger = trigger;
    m_pending = true;
    setRegisteredShortcut(sequence);
    setErrorString({});
    createSession();
    return true;
}

void PortalGlobalShortcut::request(const QString& method, const QVariantList& arguments, const QString& token,
                                   const ResponseHandler& onResponse)
{
    // The portal names the Request after our unique bus name (":1.42" -> "1_42") and the token.
    QString sender = m_bus.baseService();
    if (sender.startsWith(u':'))
        sender.remove(0, 1);
    sender.replace(u'.', u'_');
    const QString expected = portal::kDesktopPath + u"/request/"_s + sender + u'/' + token;
    QPointer<portal::RequestInterface> watched = watchRequest(expected, onResponse);

    QDBusMessage call =
        QDBusMessage::createMethodCall(portal::kService, portal::kDesktopPath, portal::kInterface, method);
    call.setArguments(arguments);
    auto* watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, watched, expected, method, onResponse](QDBusPendingCallWatcher* finished) {
                finished->deleteLater();
                const QDBusPendingReply<QDBusObjectPath> reply = *finished;
                if (reply.isError()) {
                    qCWarning(lcGlobalShortcut) << method << "failed:" << reply.error().name();
                    if (watched)
                        watched->deleteLater();
                    onResponse(portal::kFailed, {});
                    return;
                }
                // Portals older than 0.9 ignore handle_token: follow the path they chose.
                if (reply.value().path() != expected) {
                    if (watched)
                        watched->deleteLater();
                    watchRequest(reply.value().path(), onResponse);
                }
            });
}

portal::RequestInterface* PortalGlobalShortcut::watchRequest(const QString& path,
                                                             const ResponseHandler& onResponse)
{
    auto* proxy = new portal::RequestInterface(path, m_bus, this);
    connect(
        proxy, &portal::RequestInterface::Response, this,
        [proxy, onResponse](uint response, const QVariantMap& results) {
            proxy->deleteLater();
            onResponse(response, results);
        },
        Qt::SingleShotConnection);
    return proxy;
}

void PortalGlobalShortcut::createSession()
{
    const quint64 generation = m_generation;
    const QString token = newToken();
    const QVariantMap options{{u"handle_token"_s, token}, {u"session_handle_token"_s, newToken()}};
    request(u"CreateSession"_s, {options}, token,
            [this, generation](uint response, const QVariantMap& results) {
                const QString handle = portal::sessionHandleOf(results);
                if (generation != m_generation) {
                    closeSession(m_bus, handle); // asked for before the shortcut changed again
                    return;
                }
                if (response != portal::kSuccess || handle.isEmpty()) {
                    closeSession(m_bus, handle);
                    abandon(tr("The desktop portal could not start a session for the shortcut."));
                    return;
                }
                m_session = handle;
                m_sessionObject = new portal::SessionInterface(handle, m_bus, this);
                connect(m_sessionObject, &portal::SessionInterface::Closed, this, [this, handle] {
                    if (m_session != handle)
                        return;
                    m_session.clear(); // closed already: nothing to close
                    abandon(tr("The desktop ended the session that held the shortcut."));
                });
                bindShortcut();
            });
}

void PortalGlobalShortcut::bindShortcut()
{
    const quint64 generation = m_generation;
    const QString token = newToken();
    const QList<portal::Shortcut> shortcuts{
        {portal::kShortcutId,
         {{u"description"_s, tr("Open the AnyRouter quick prompt")}, {u"preferred_trigger"_s, m_trigger}}}};
    const QVariantMap options{{u"handle_token"_s, token}};
    // No parent window: the quick prompt has none open, and the portal accepts "".
    const QVariantList arguments{QVariant::fromValue(QDBusObjectPath(m_session)),
                                 QVariant::fromValue(shortcuts), QString(), options};
    request(u"BindShortcuts"_s, arguments, token,
            [this, generation](uint response, const QVariantMap& results) {
                if (generation != m_generation)
                    return; // its session is closed already
                if (response == portal::kCancelled) {
                    abandon(tr("The desktop asked whether to allow the shortcut, and it was not allowed."));
                    return;
                }
                if (response != portal::kSuccess) {
                    abandon(tr("The desktop portal could not bind the shortcut."));
                    return;
                }
                QList<portal::Shortcut> bound;
                const QVariant value = results.value(u"shortcuts"_s);
                if (value.metaType() == QMetaType::fromType<QDBusArgument>())
                    value.value<QDBusArgument>() >> bound;
                for (const portal::Shortcut& shortcut : std::as_const(bound)) {
                    if (shortcut.id == portal::kShortcutId) {
                        m_pending = false;
                        m_boundTrigger = shortcut.properties.value(u"trigger_description"_s).toString();
                        setErrorString({});
                        return;
                    }
                }
                abandon(tr("The desktop did not bind the shortcut."));
            });
}

void PortalGlobalShortcut::closeSession()
{
    if (m_sessionObject)
        m_sessionObject->deleteLater();
    closeSession(m_bus, m_session);
    m_session.clear();
    m_boundTrigger.clear();
}

void PortalGlobalShortcut::closeSession(const QDBusConnection& bus, const QString& handle)
{
    if (handle.isEmpty())
        return;
    bus.send(QDBusMessage::createMethodCall(portal::kService, handle, u"org.freedesktop.portal.Session"_s,
                                            u"Close"_s));
}

void PortalGlobalShortcut::onActivated(const QDBusObjectPath& session, const QString& shortcutId)
{
    if (!m_session.isEmpty() && session.path() == m_session && shortcutId == portal::kShortcutId)
        emit activated();
}

void PortalGlobalShortcut::abandon(const QString& message)
{
    // Nothing half-bound stays behind, and asking for the same shortcut again starts afresh.
    closeSession();
    m_trigger.clear();
    m_pending = false;
    reportFailure(message);
}

void PortalGlobalShortcut::reportFailure(const QString& message)
{
    qCWarning(lcGlobalShortcut) << "Global shortcut portal:" << message;
    setErrorString(message + u' ' + manualBindingHint());
    emit errorOccurred(errorString());
}

QString PortalGlobalShortcut::newToken()
{
    // Unique per connection (all instances share the session bus), and a valid object path element.
    static quint64 counter = 0;
    return u"anyrouter_"_s + QString::number(QCoreApplication::applicationPid()) + u'_' +
           QString::number(++counter);
}

} // namespace anyrouter

#include "PortalGlobalShortcut.moc"
