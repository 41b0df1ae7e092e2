// PortalGlobalShortcut: the global shortcut on Wayland, through the XDG desktop portal
// (org.freedesktop.portal.GlobalShortcuts over the session bus). The app does not grab keys there:
// it asks the desktop to bind the "quick-prompt" shortcut, suggesting a trigger; the desktop may ask
// the user and has the last word. Every portal request is asynchronous (a Request object answers
// with a Response signal), so setShortcut() only starts the exchange and returns; a failure that
// comes back later sets errorString() and emits errorOccurred().
#pragma once

#include "ui/platform/GlobalShortcut.h"

#include <QDBusConnection>
#include <QPointer>
#include <QVariantMap>

#include <functional>
#include <memory>

class QDBusObjectPath;

namespace anyrouter {

namespace portal {
class GlobalShortcutsInterface;
class RequestInterface;
class SessionInterface;
} // namespace portal

class PortalGlobalShortcut final : public GlobalShortcut
{
    Q_OBJECT
public:
    // Whether this session's bus has org.freedesktop.portal.Desktop with the GlobalShortcuts
    // interface; else false with `why` in plain words. One blocking property read (2 s at most).
    static bool isOffered(QString* why = nullptr);
    // `sequence` as the portal's trigger string (the XDG shortcuts spec: "CTRL+ALT+space"); empty for
    // a sequence that is not one usable key combination.
    static QString triggerOf(const QKeySequence& sequence);

    explicit PortalGlobalShortcut(QObject* parent = nullptr);
    ~PortalGlobalShortcut() override;

    QString backendName() const override;
    bool isAvailable() const override { return true; }
    // True once the request is on its way (or the same trigger is already bound); the desktop answers
    // later. Changing the shortcut closes the session and binds in a new one: the portal lets a
    // session bind only once.
    bool setShortcut(const QKeySequence& sequence) override;

    // How the desktop says the shortcut is triggered (its own words, e.g. "Ctrl+Alt+Space"), once it
    // has bound it; empty before.
    QString boundTrigger() const { return m_boundTrigger; }
    // True while a bind is under way.
    bool isPending() const { return m_pending; }

private:
    using ResponseHandler = std::function<void(uint response, const QVariantMap& results)>;
    // Calls `method` on the portal with `arguments` (whose options carry handle_token `token`) and
    // hands the Request's Response to `onResponse` (which checks m_generation: answers to requests
    // made before the last setShortcut() are stale), or response 2 when the call itself fails.
    void request(const QString& method, const QVariantList& arguments, const QString& token,
                 const ResponseHandler& onResponse);
    // Relays the Response of the Request object at `path` to `onResponse`, once.
    portal::RequestInterface* watchRequest(const QString& path, const ResponseHandler& onResponse);
    void createSession();
    void bindShortcut();
    void closeSession();
    static void closeSession(const QDBusConnection& bus, const QString& handle);
    void onActivated(const QDBusObjectPath& session, const QString& shortcutId);
    // A failed bind: closes the session, forgets the trigger (so a retry binds anew) and reports.
    void abandon(const QString& message);
    void reportFailure(const QString& message);
    static QString newToken();

    QDBusConnection m_bus;
    std::unique_ptr<portal::GlobalShortcutsInterface> m_portal;
    QPointer<portal::SessionInterface> m_sessionObject;
    QString m_session; // the session handle; empty when none
    QString m_trigger; // the trigger asked for
    QString m_boundTrigger;
    quint64 m_generation = 0; // bumped by every setShortcut(): answers to older requests are stale
    bool m_pending = false;
};

} // namespace anyrouter
