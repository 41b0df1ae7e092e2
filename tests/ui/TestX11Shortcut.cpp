// The X11 global shortcut against a real X server (CTest runs it under xvfb-run on the xcb
// platform): a key combination sent through XTEST (xdotool) activates it, with or without NumLock
// and CapsLock; a key another X client — or another shortcut of this app — already holds is reported
// taken; changing, clearing or destroying the shortcut lets go of the old key, which a second X
// client (its own xcb connection, opened here) can then grab. Also the portal backend, against a
// fake org.freedesktop.portal.Desktop (this executable run with --fake-portal) on the private
// session bus CTest starts (dbus-run-session): bind, activation, refusal, change and clearing.
#include "TestSupport.h"

#include "ui/platform/GlobalShortcut.h"
#include "ui/platform/PortalGlobalShortcut.h"

#include <QApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusVirtualObject>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTest>

#include <xcb/xcb.h>

#include <cstdlib>
#include <memory>

#include <unistd.h>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 5000 * ANYROUTER_TEST_TIME_SCALE;
constexpr std::uint32_t kSpaceKeysym = 0x20; // XK_space
constexpr std::uint32_t kKKeysym = 0x6b;     // XK_k
constexpr std::uint16_t kCtrlAlt = XCB_MOD_MASK_CONTROL | XCB_MOD_MASK_1;
constexpr std::uint16_t kNumLock = XCB_MOD_MASK_2; // where Xvfb's keymap puts Num_Lock (checked below)
// The lock states a grab must cover: none, CapsLock, NumLock, both.
constexpr std::uint16_t kLockVariants[] = {0, XCB_MOD_MASK_LOCK, kNumLock, XCB_MOD_MASK_LOCK | kNumLock};

const QKeySequence kCtrlAltSpace(Qt::ControlModifier | Qt::AltModifier | Qt::Key_Space);
// Not Ctrl+Alt+F<n>: X servers keep those for switching virtual terminals and never deliver them.
const QKeySequence kCtrlAltK(Qt::ControlModifier | Qt::AltModifier | Qt::Key_K);

// Another X client: its own connection to the server, as a different program would have.
class OtherClient
{
public:
    OtherClient() : m_connection(xcb_connect(nullptr, nullptr))
    {
        if (xcb_connection_has_error(m_connection) == 0)
            m_root = xcb_setup_roots_iterator(xcb_get_setup(m_connection)).data->root;
    }
    ~OtherClient() { xcb_disconnect(m_connection); } // the server drops its grabs with it
    OtherClient(const OtherClient&) = delete;
    OtherClient& operator=(const OtherClient&) = delete;

    bool isConnected() const { return m_root != 0; }

    std::uint8_t keycodeOf(std::uint32_t keysym) const
    {
        const xcb_setup_t* setup = xcb_get_setup(m_connection);
        const int count = setup->max_keycode - setup->min_keycode + 1;
        std::unique_ptr<xcb_get_keyboard_mapping_reply_t, decltype(&std::free)> reply(
            xcb_get_keyboard_mapping_reply(
                m_connection, xcb_get_keyboard_mapping(m_connection, setup->min_keycode, std::uint8_t(count)),
                nullptr),
            &std::free);
        if (!reply)
            return 0;
        const xcb_keysym_t* syms = xcb_get_keyboard_mapping_keysyms(reply.get());
        for (int i = 0; i < count; ++i) {
            if (syms[i * reply->keysyms_per_keycode] == keysym)
                return std::uint8_t(setup->min_keycode + i);
        }
        return 0;
    }

    // The X error code of grabbing `keycode` + `modifiers` on the root (0: grabbed).
    int grab(std::uint8_t keycode, std::uint16_t modifiers)
    {
        const auto cookie = xcb_grab_key_checked(m_connection, 0, m_root, modifiers, keycode,
                                                 XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC);
        xcb_generic_error_t* error = xcb_request_check(m_connection, cookie);
        const int code = error ? error->error_code : 0;
        std::free(error);
        return code;
    }

    // Grabs `keycode` + `modifiers` with every lock variant, as a real program would.
    bool grabAllVariants(std::uint8_t keycode, std::uint16_t modifiers)
    {
        for (const std::uint16_t locks : kLockVariants) {
            if (grab(keycode, std::uint16_t(modifiers | locks)) != 0)
                return false;
        }
        return true;
    }

    void ungrabAll()
    {
        xcb_ungrab_key(m_connection, XCB_GRAB_ANY, m_root, XCB_MOD_MASK_ANY);
        xcb_aux_sync();
    }

    // Whether a press of `keycode` reaches this client within the wait (it holds the grab).
    bool receivesPress(std::uint8_t keycode)
    {
        const QDeadlineTimer deadline(kWaitMs);
        while (!deadline.hasExpired()) {
            while (xcb_generic_event_t* event = xcb_poll_for_event(m_connection)) {
                const bool match = (event->response_type & 0x7f) == XCB_KEY_PRESS &&
                                   reinterpret_cast<xcb_key_press_event_t*>(event)->detail == keycode;
                std::free(event);
                if (match)
                    return true;
            }
            QTest::qWait(10);
        }
        return false;
    }

    // The keyboard's modifier and lock state now.
    std::uint16_t modifierState()
    {
        std::unique_ptr<xcb_query_pointer_reply_t, decltype(&std::free)> reply(
            xcb_query_pointer_reply(m_connection, xcb_query_pointer(m_connection, m_root), nullptr),
            &std::free);
        return reply ? reply->mask : 0;
    }

private:
    void xcb_aux_sync()
    {
        std::free(xcb_get_input_focus_reply(m_connection, xcb_get_input_focus(m_connection), nullptr));
    }

    xcb_connection_t* m_connection;
    xcb_window_t m_root = 0;
};

// The fake portal's a(sa{sv}) element.
struct FakeShortcut
{
    QString id;
    QVariantMap properties;
};

QDBusArgument& operator<<(QDBusArgument& argument, const FakeShortcut& shortcut)
{
    argument.beginStructure();
    argument << shortcut.id << shortcut.properties;
    argument.endStructure();
    return argument;
}

const QDBusArgument& operator>>(const QDBusArgument& argument, FakeShortcut& shortcut)
{
    argument.beginStructure();
    argument >> shortcut.id >> shortcut.properties;
    argument.endStructure();
    return argument;
}

} // namespace

Q_DECLARE_METATYPE(FakeShortcut)

namespace {

const QString kPortalService = u"org.freedesktop.portal.Desktop"_s;
const QString kPortalPath = u"/org/freedesktop/portal/desktop"_s;

// A stand-in for xdg-desktop-portal's GlobalShortcuts, as the spec describes it: every call answers
// with a Request path at once and a Response signal on it after. It reports what it was asked on
// stdout ("bind SESSION TRIGGER", "close SESSION") and obeys stdin ("activate SESSION").
// With "refuse" it answers BindShortcuts as the user cancelling.
class FakePortal : public QDBusVirtualObject
{
public:
    explicit FakePortal(bool refuse) : m_refuse(refuse) {}

    QString introspect(const QString&) const override { return {}; }

    bool handleMessage(const QDBusMessage& message, const QDBusConnection& connection) override
    {
        QDBusConnection bus = connection;
        const QString member = message.member();
        if (member == u"Get"_s) {
            bus.send(message.createReply(QVariant::fromValue(QDBusVariant(uint(1)))));
            return true;
        }
        if (member == u"Close"_s) {
            report(u"close "_s + message.path());
            bus.send(message.createReply());
            return true;
        }
        const QString sender = message.service().mid(1).replace(u'.', u'_');
        const auto requestPath = [&](const QVariantMap& options) -> QString {
            return kPortalPath + u"/request/"_s + sender + u'/' + options.value(u"handle_token"_s).toString();
        };
        if (member == u"CreateSession"_s) {
            const QVariantMap options = qdbus_cast<QVariantMap>(message.arguments().value(0));
            const QString session = kPortalPath + u"/session/"_s + sender + u'/' +
                                    options.value(u"session_handle_token"_s).toString();
            const QString request = requestPath(options);
            bus.send(message.createReply(QVariant::fromValue(QDBusObjectPath(request))));
            respond(bus, request, 0, {{u"session_handle"_s, session}});
            return true;
        }
        if (member == u"BindShortcuts"_s) {
            const QString session = qdbus_cast<QDBusObjectPath>(message.arguments().value(0)).path();
            QList<FakeShortcut> shortcuts;
            qvariant_cast<QDBusArgument>(message.arguments().value(1)) >> shortcuts;
            const QString request = requestPath(qdbus_cast<QVariantMap>(message.arguments().value(3)));
            bus.send(message.createReply(QVariant::fromValue(QDBusObjectPath(request))));
            const FakeShortcut asked = shortcuts.value(0);
            const QString trigger = asked.properties.value(u"preferred_trigger"_s).toString();
            report(u"bind "_s + session + u' ' + asked.id + u' ' + trigger);
            if (m_refuse) {
                respond(bus, request, 1, {});
                return true;
            }
            const QList<FakeShortcut> bound{{asked.id,
                                             {{u"description"_s, asked.properties.value(u"description"_s)},
                                              {u"trigger_description"_s, QString(u"Press "_s + trigger)}}}};
            respond(bus, request, 0, {{u"shortcuts"_s, QVariant::fromValue(bound)}});
            return true;
        }
        return false;
    }

    static void activate(const QString& session)
    {
        QDBusMessage signal = QDBusMessage::createSignal(
            kPortalPath, u"org.freedesktop.portal.GlobalShortcuts"_s, u"Activated"_s);
        signal << QVariant::fromValue(QDBusObjectPath(session)) << u"quick-prompt"_s << qulonglong(1)
               << QVariantMap();
        QDBusConnection::sessionBus().send(signal);
    }

private:
    static void respond(QDBusConnection& bus, const QString& request, uint code, const QVariantMap& results)
    {
        QDBusMessage signal =
            QDBusMessage::createSignal(request, u"org.freedesktop.portal.Request"_s, u"Response"_s);
        signal << code << results;
        bus.send(signal);
    }

    static void report(const QString& line)
    {
        QFile out;
        if (out.open(stdout, QIODevice::WriteOnly))
            out.write(line.toUtf8() + '\n');
    }

    bool m_refuse;
};

int runFakePortal(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    qDBusRegisterMetaType<FakeShortcut>();
    qDBusRegisterMetaType<QList<FakeShortcut>>();
    FakePortal portal(app.arguments().contains(u"refuse"_s));
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.registerVirtualObject(kPortalPath, &portal, QDBusConnection::SubPath) ||
        !bus.registerService(kPortalService))
        return 1;
    // Commands arrive on stdin, one a line; end of file (the test closed it) ends the fake.
    QByteArray pending;
    QSocketNotifier commands(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&commands, &QSocketNotifier::activated, &app, [&] {
        char buffer[512];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            app.quit();
            return;
        }
        pending.append(buffer, n);
        for (qsizetype end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
            const QByteArray line = pending.left(end).trimmed();
            pending.remove(0, end + 1);
            if (line.startsWith("activate "))
                FakePortal::activate(QString::fromUtf8(line.mid(9)));
        }
    });
    return app.exec();
}

// Runs the fake portal beside the test, and reads what it reports.
class FakePortalProcess
{
public:
    bool start(const QStringList& mode = {})
    {
        m_process.start(QCoreApplication::applicationFilePath(), QStringList{u"--fake-portal"_s} + mode);
        if (!m_process.waitForStarted(kWaitMs))
            return false;
        const QDeadlineTimer deadline(kWaitMs);
        while (!deadline.hasExpired()) {
            if (QDBusConnection::sessionBus().interface()->isServiceRegistered(kPortalService))
                return true;
            QTest::qWait(20);
        }
        return false;
    }
    ~FakePortalProcess()
    {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(kWaitMs))
            m_process.kill();
        m_process.waitForFinished(kWaitMs);
    }
    // Lines reported so far.
    QStringList lines()
    {
        m_output += QString::fromUtf8(m_process.readAllStandardOutput());
        return m_output.split(u'\n', Qt::SkipEmptyParts);
    }
    // The session of the last "bind" line; empty if none.
    QString boundSession()
    {
        QString session;
        for (const QString& line : lines()) {
            if (line.startsWith(u"bind "_s))
                session = line.section(u' ', 1, 1);
        }
        return session;
    }
    void activate(const QString& session) { m_process.write("activate " + session.toUtf8() + '\n'); }

private:
    QProcess m_process;
    QString m_output;
};

} // namespace

class TestX11Shortcut : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void createPicksTheX11Backend();
    void keyPressActivates();
    void lockKeysDoNotMatter();
    void heldShortcutActivatesOnce();
    void keyTakenByAnotherClientIsReported_data();
    void keyTakenByAnotherClientIsReported();
    void failedChangeKeepsTheOldShortcut();
    void secondShortcutOfThisAppIsReported();
    void changingTheShortcutReleasesTheOldKey();
    void emptySequenceUnregisters();
    void destructionReleasesTheKey();
    void unusableSequencesAreRefused_data();
    void unusableSequencesAreRefused();
    void portalTriggerStrings_data();
    void portalTriggerStrings();
    void portalIsOfferedOnlyWhenRunning();
    void portalBindsAndActivates();
    void portalChangeAndClearCloseTheSession();
    void portalRefusalIsReported();

private:
    // CTest sets ANYROUTER_TEST_PRIVATE_SESSION: the display and session bus are private ones, so
    // grabbing keys, toggling NumLock and claiming the portal's name disturb nobody.
    static bool isPrivateSession() { return qEnvironmentVariableIsSet("ANYROUTER_TEST_PRIVATE_SESSION"); }
    bool onX11() const { return isPrivateSession() && QGuiApplication::platformName() == u"xcb"_s; }
    bool hasSessionBus() const { return isPrivateSession() && QDBusConnection::sessionBus().isConnected(); }
    // Runs xdotool (which sends through XTEST) with `arguments`; false if it failed.
    bool xdotool(const QStringList& arguments);

    QString m_xdotool;
    std::unique_ptr<OtherClient> m_other;
    std::uint8_t m_space = 0;
    std::uint8_t m_k = 0;
};

// X cases skip off xcb, portal cases without a session bus; the trigger strings run anywhere.
#define REQUIRE_X11()                                                                                        \
    do {                                                                                                     \
        if (!onX11())                                                                                        \
            QSKIP("needs a private X server: run through CTest (xvfb-run, QT_QPA_PLATFORM=xcb)");            \
    } while (false)
#define REQUIRE_SESSION_BUS()                                                                                \
    do {                                                                                                     \
        if (!hasSessionBus())                                                                                \
            QSKIP("needs a private D-Bus session: run through CTest (dbus-run-session)");                    \
    } while (false)

void TestX11Shortcut::initTestCase()
{
    test::initHermeticEnvironment();
    if (!onX11())
        return;
    m_xdotool = QStandardPaths::findExecutable(u"xdotool"_s);
    QVERIFY2(!m_xdotool.isEmpty(), "xdotool is needed to send keys through XTEST (apt-get install xdotool)");
}

void TestX11Shortcut::init()
{
    if (!onX11())
        return;
    m_other = std::make_unique<OtherClient>();
    QVERIFY(m_other->isConnected());
    m_space = m_other->keycodeOf(kSpaceKeysym);
    m_k = m_other->keycodeOf(kKKeysym);
    QVERIFY(m_space != 0);
    QVERIFY(m_k != 0);
}

void TestX11Shortcut::cleanup()
{
    if (m_other) {
        // A case that failed half-way may have left a lock on; the next one starts with both off.
        const std::uint16_t state = m_other->modifierState();
        if (state & kNumLock)
            xdotool({u"key"_s, u"Num_Lock"_s});
        if (state & XCB_MOD_MASK_LOCK)
            xdotool({u"key"_s, u"Caps_Lock"_s});
        QTRY_VERIFY_WITH_TIMEOUT(!(m_other->modifierState() & (kNumLock | XCB_MOD_MASK_LOCK)), kWaitMs);
    }
    m_other.reset();
}

bool TestX11Shortcut::xdotool(const QStringList& arguments)
{
    QProcess process;
    process.start(m_xdotool, arguments);
    if (!process.waitForFinished(kWaitMs)) {
        qWarning() << "xdotool did not finish" << arguments;
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning() << "xdotool failed" << arguments << process.readAllStandardError();
        return false;
    }
    return true;
}

void TestX11Shortcut::createPicksTheX11Backend()
{
    REQUIRE_X11();
    const auto shortcut = GlobalShortcut::create();
    QVERIFY(shortcut);
    QCOMPARE(shortcut->backendName(), u"X11"_s);
    QVERIFY(shortcut->isAvailable());
    QVERIFY(shortcut->unavailableReason().isEmpty());
    QVERIFY(shortcut->shortcut().isEmpty());
}

void TestX11Shortcut::keyPressActivates()
{
    REQUIRE_X11();
    const auto shortcut = GlobalShortcut::create();
    QSignalSpy activated(shortcut.get(), &GlobalShortcut::activated);
    QVERIFY2(shortcut->setShortcut(GlobalShortcut::defaultShortcut()), qPrintable(shortcut->errorString()));
    QCOMPARE(shortcut->shortcut(), kCtrlAltSpace);
    QVERIFY(shortcut->errorString().isEmpty());

    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QVERIFY(activated.wait(kWaitMs));
    QCOMPARE(activated.count(), 1);
    // A second press is a second activation, not an auto-repeat.
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QTRY_COMPARE_WITH_TIMEOUT(activated.count(), 2, kWaitMs);
    // Other modifiers make another combination: Ctrl+Alt+Shift+Space goes elsewhere.
    QVERIFY(m_other->grab(m_space, kCtrlAlt | XCB_MOD_MASK_SHIFT) == 0);
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+shift+space"_s}));
    QVERIFY(m_other->receivesPress(m_space));
    QCOMPARE(activated.count(), 2);
}

void TestX11Shortcut::lockKeysDoNotMatter()
{
    REQUIRE_X11();
    const auto shortcut = GlobalShortcut::create();
    QSignalSpy activated(shortcut.get(), &GlobalShortcut::activated);
    QVERIFY2(shortcut->setShortcut(kCtrlAltSpace), qPrintable(shortcut->errorString()));

    QVERIFY(xdotool({u"key"_s, u"Num_Lock"_s}));
    QTRY_VERIFY_WITH_TIMEOUT(m_other->modifierState() & kNumLock, kWaitMs);
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QVERIFY(activated.wait(kWaitMs));

    QVERIFY(xdotool({u"key"_s, u"Caps_Lock"_s}));
    QTRY_VERIFY_WITH_TIMEOUT(m_other->modifierState() & XCB_MOD_MASK_LOCK, kWaitMs);
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QTRY_COMPARE_WITH_TIMEOUT(activated.count(), 2, kWaitMs);

    QVERIFY(xdotool({u"key"_s, u"Num_Lock"_s})); // CapsLock alone now
    QTRY_VERIFY_WITH_TIMEOUT(!(m_other->modifierState() & kNumLock), kWaitMs);
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QTRY_COMPARE_WITH_TIMEOUT(activated.count(), 3, kWaitMs);

    QVERIFY(xdotool({u"key"_s, u"Caps_Lock"_s}));
    QTRY_VERIFY_WITH_TIMEOUT(!(m_other->modifierState() & XCB_MOD_MASK_LOCK), kWaitMs);
}

void TestX11Shortcut::heldShortcutActivatesOnce()
{
    REQUIRE_X11();
    const auto shortcut = GlobalShortcut::create();
    QSignalSpy activated(shortcut.get(), &GlobalShortcut::activated);
    QVERIFY(shortcut->setShortcut(kCtrlAltSpace));
    // Held past the server's auto-repeat delay (660 ms by default), the key repeats; one activation.
    QVERIFY(
        xdotool({u"keydown"_s, u"ctrl+alt+space"_s, u"sleep"_s, u"1.5"_s, u"keyup"_s, u"ctrl+alt+space"_s}));
    QVERIFY(activated.wait(kWaitMs));
    QTest::qWait(200); // repeats already sent are queued by now; none may count
    QCOMPARE(activated.count(), 1);
    // Released, the next press counts again.
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QTRY_COMPARE_WITH_TIMEOUT(activated.count(), 2, kWaitMs);
}

void TestX11Shortcut::keyTakenByAnotherClientIsReported_data()
{
    QTest::addColumn<int>("locks");
    QTest::newRow("plain") << 0;
    QTest::newRow("only with NumLock") << int(kNumLock);
    QTest::newRow("only with CapsLock") << int(XCB_MOD_MASK_LOCK);
}

void TestX11Shortcut::keyTakenByAnotherClientIsReported()
{
    REQUIRE_X11();
    QFETCH(int, locks);
    QCOMPARE(m_other->grab(m_space, std::uint16_t(kCtrlAlt | locks)), 0);

    const auto shortcut = GlobalShortcut::create();
    QVERIFY(!shortcut->setShortcut(kCtrlAltSpace));
    QVERIFY2(shortcut->errorString().contains(u"taken"_s), qPrintable(shortcut->errorString()));
    QVERIFY(shortcut->errorString().contains(kCtrlAltSpace.toString(QKeySequence::NativeText)));
    QVERIFY(shortcut->shortcut().isEmpty());

    // The failed attempt kept none of the variants it did get: a third client can take them all.
    OtherClient third;
    QVERIFY(third.isConnected());
    for (const std::uint16_t variant : kLockVariants) {
        if (variant != locks)
            QCOMPARE(third.grab(m_space, std::uint16_t(kCtrlAlt | variant)), 0);
    }
    third.ungrabAll();

    // Once the other program lets go, the same shortcut works.
    m_other->ungrabAll();
    QVERIFY2(shortcut->setShortcut(kCtrlAltSpace), qPrintable(shortcut->errorString()));
    QVERIFY(shortcut->errorString().isEmpty());
    QSignalSpy activated(shortcut.get(), &GlobalShortcut::activated);
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QVERIFY(activated.wait(kWaitMs));
}

void TestX11Shortcut::failedChangeKeepsTheOldShortcut()
{
    REQUIRE_X11();
    const auto shortcut = GlobalShortcut::create();
    QSignalSpy activated(shortcut.get(), &GlobalShortcut::activated);
    QVERIFY(shortcut->setShortcut(kCtrlAltSpace));
    QVERIFY(m_other->grabAllVariants(m_k, kCtrlAlt));

    QVERIFY(!shortcut->setShortcut(kCtrlAltK));
    QVERIFY2(shortcut->errorString().contains(u"taken"_s), qPrintable(shortcut->errorString()));
    QCOMPARE(shortcut->shortcut(), kCtrlAltSpace);
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QVERIFY(activated.wait(kWaitMs));
}

void TestX11Shortcut::secondShortcutOfThisAppIsReported()
{
    REQUIRE_X11();
    // To the X server both are one client, which may grab a key twice; the shortcut itself must refuse.
    const auto first = GlobalShortcut::create();
    const auto second = GlobalShortcut::create();
    QSignalSpy firstActivated(first.get(), &GlobalShortcut::activated);
    QVERIFY(first->setShortcut(kCtrlAltSpace));
    QVERIFY(!second->setShortcut(kCtrlAltSpace));
    QVERIFY2(second->errorString().contains(u"taken"_s), qPrintable(second->errorString()));
    QVERIFY(second->shortcut().isEmpty());

    // The refusal took nothing from the first.
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QVERIFY(firstActivated.wait(kWaitMs));
    // And once the first lets go, the second may have it.
    QVERIFY(first->setShortcut({}));
    QVERIFY2(second->setShortcut(kCtrlAltSpace), qPrintable(second->errorString()));
}

void TestX11Shortcut::changingTheShortcutReleasesTheOldKey()
{
    REQUIRE_X11();
    const auto shortcut = GlobalShortcut::create();
    QSignalSpy activated(shortcut.get(), &GlobalShortcut::activated);
    QVERIFY(shortcut->setShortcut(kCtrlAltSpace));
    QVERIFY2(shortcut->setShortcut(kCtrlAltK), qPrintable(shortcut->errorString()));
    QCOMPARE(shortcut->shortcut(), kCtrlAltK);

    QVERIFY(m_other->grabAllVariants(m_space, kCtrlAlt));
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+k"_s}));
    QVERIFY(activated.wait(kWaitMs));
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QVERIFY(m_other->receivesPress(m_space));
    QCOMPARE(activated.count(), 1);
}

void TestX11Shortcut::emptySequenceUnregisters()
{
    REQUIRE_X11();
    const auto shortcut = GlobalShortcut::create();
    QSignalSpy activated(shortcut.get(), &GlobalShortcut::activated);
    QVERIFY(shortcut->setShortcut(kCtrlAltSpace));
    QVERIFY(shortcut->setShortcut(QKeySequence()));
    QVERIFY(shortcut->shortcut().isEmpty());
    QVERIFY(shortcut->errorString().isEmpty());

    QVERIFY(m_other->grabAllVariants(m_space, kCtrlAlt));
    QVERIFY(xdotool({u"key"_s, u"ctrl+alt+space"_s}));
    QVERIFY(m_other->receivesPress(m_space));
    QCOMPARE(activated.count(), 0);
}

void TestX11Shortcut::destructionReleasesTheKey()
{
    REQUIRE_X11();
    auto shortcut = GlobalShortcut::create();
    QVERIFY(shortcut->setShortcut(kCtrlAltSpace));
    QCOMPARE(m_other->grab(m_space, kCtrlAlt), int(XCB_ACCESS));
    shortcut.reset();
    QVERIFY(m_other->grabAllVariants(m_space, kCtrlAlt));
}

void TestX11Shortcut::unusableSequencesAreRefused_data()
{
    QTest::addColumn<QKeySequence>("sequence");
    QTest::newRow("a letter alone") << QKeySequence(Qt::Key_A);
    QTest::newRow("Shift and a letter") << QKeySequence(Qt::ShiftModifier | Qt::Key_A);
    QTest::newRow("space alone") << QKeySequence(Qt::Key_Space);
    QTest::newRow("two combinations") << QKeySequence(kCtrlAltSpace[0], QKeyCombination(Qt::Key_A));
    QTest::newRow("a modifier alone") << QKeySequence(Qt::ControlModifier | Qt::Key_Control);
    QTest::newRow("no keysym") << QKeySequence(Qt::ControlModifier | Qt::Key_VolumeUp);
    QTest::newRow("a console switch") << QKeySequence(Qt::ControlModifier | Qt::AltModifier | Qt::Key_F2);
}

void TestX11Shortcut::unusableSequencesAreRefused()
{
    REQUIRE_X11();
    QFETCH(QKeySequence, sequence);
    const auto shortcut = GlobalShortcut::create();
    QVERIFY(shortcut->setShortcut(kCtrlAltSpace));
    QVERIFY(!shortcut->setShortcut(sequence));
    QVERIFY(!shortcut->errorString().isEmpty());
    QCOMPARE(shortcut->shortcut(), kCtrlAltSpace);
    // Nothing of it was grabbed: the keys stay free for others (the letter alone above all).
    QCOMPARE(m_other->grab(m_other->keycodeOf('a'), 0), 0);
}

void TestX11Shortcut::portalTriggerStrings_data()
{
    QTest::addColumn<QKeySequence>("sequence");
    QTest::addColumn<QString>("trigger");
    QTest::newRow("default") << GlobalShortcut::defaultShortcut() << u"CTRL+ALT+space"_s;
    QTest::newRow("letter, lower case")
        << QKeySequence(Qt::MetaModifier | Qt::ShiftModifier | Qt::Key_A) << u"SHIFT+LOGO+a"_s;
    QTest::newRow("function key") << QKeySequence(Qt::ControlModifier | Qt::Key_F5) << u"CTRL+F5"_s;
    QTest::newRow("named key") << QKeySequence(Qt::AltModifier | Qt::Key_Return) << u"ALT+Return"_s;
    QTest::newRow("punctuation") << QKeySequence(Qt::ControlModifier | Qt::Key_Period) << u"CTRL+period"_s;
    QTest::newRow("two combinations")
        << QKeySequence(kCtrlAltSpace[0], QKeyCombination(Qt::Key_A)) << QString();
    QTest::newRow("no modifier") << QKeySequence(Qt::Key_A) << QString();
}

void TestX11Shortcut::portalTriggerStrings()
{
    QFETCH(QKeySequence, sequence);
    QFETCH(QString, trigger);
    QCOMPARE(PortalGlobalShortcut::triggerOf(sequence), trigger);
}

void TestX11Shortcut::portalIsOfferedOnlyWhenRunning()
{
    REQUIRE_SESSION_BUS();
    QString why;
    QVERIFY(!PortalGlobalShortcut::isOffered(&why));
    QVERIFY2(why.contains(u"no desktop portal"_s), qPrintable(why));
    FakePortalProcess portal;
    QVERIFY(portal.start());
    QVERIFY(PortalGlobalShortcut::isOffered(&why));
    QVERIFY(why.isEmpty());
}

void TestX11Shortcut::portalBindsAndActivates()
{
    REQUIRE_SESSION_BUS();
    FakePortalProcess portal;
    QVERIFY(portal.start());
    PortalGlobalShortcut shortcut;
    QCOMPARE(shortcut.backendName(), u"XDG portal"_s);
    QSignalSpy activated(&shortcut, &GlobalShortcut::activated);
    QSignalSpy failed(&shortcut, &GlobalShortcut::errorOccurred);
    QVERIFY(shortcut.setShortcut(kCtrlAltSpace));
    QVERIFY(shortcut.isPending());
    QCOMPARE(shortcut.shortcut(), kCtrlAltSpace);
    QTRY_VERIFY_WITH_TIMEOUT(!shortcut.isPending(), kWaitMs);
    QCOMPARE(shortcut.boundTrigger(), u"Press CTRL+ALT+space"_s);
    QVERIFY(shortcut.errorString().isEmpty());
    const QString session = portal.boundSession();
    QVERIFY(portal.lines().contains(u"bind "_s + session + u" quick-prompt CTRL+ALT+space"_s));

    // An activation of another session (another app's) is not ours; ours is.
    portal.activate(kPortalPath + u"/session/1_999/other"_s);
    portal.activate(session);
    QVERIFY(activated.wait(kWaitMs));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(failed.count(), 0);
}

void TestX11Shortcut::portalChangeAndClearCloseTheSession()
{
    REQUIRE_SESSION_BUS();
    FakePortalProcess portal;
    QVERIFY(portal.start());
    PortalGlobalShortcut shortcut;
    QSignalSpy activated(&shortcut, &GlobalShortcut::activated);
    QVERIFY(shortcut.setShortcut(kCtrlAltSpace));
    QTRY_VERIFY_WITH_TIMEOUT(!shortcut.boundTrigger().isEmpty(), kWaitMs);
    const QString first = portal.boundSession();

    // A session binds once: a new shortcut means a new session, and the old one is closed.
    QVERIFY(shortcut.setShortcut(kCtrlAltK));
    QTRY_VERIFY_WITH_TIMEOUT(portal.lines().contains(u"close "_s + first), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(shortcut.boundTrigger(), u"Press CTRL+ALT+k"_s, kWaitMs);
    const QString second = portal.boundSession();
    QVERIFY(second != first);
    portal.activate(first); // closed: no longer ours
    portal.activate(second);
    QVERIFY(activated.wait(kWaitMs));
    QCOMPARE(activated.count(), 1);

    QVERIFY(shortcut.setShortcut(QKeySequence()));
    QVERIFY(shortcut.shortcut().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(portal.lines().contains(u"close "_s + second), kWaitMs);
}

void TestX11Shortcut::portalRefusalIsReported()
{
    REQUIRE_SESSION_BUS();
    FakePortalProcess portal;
    QVERIFY(portal.start({u"refuse"_s}));
    PortalGlobalShortcut shortcut;
    QSignalSpy failed(&shortcut, &GlobalShortcut::errorOccurred);
    QVERIFY(shortcut.setShortcut(kCtrlAltSpace));
    QVERIFY(failed.wait(kWaitMs));
    QVERIFY2(shortcut.errorString().contains(u"not allowed"_s), qPrintable(shortcut.errorString()));
    QVERIFY(shortcut.errorString().contains(GlobalShortcut::quickPromptCommand()));
    QCOMPARE(failed.at(0).at(0).toString(), shortcut.errorString());
    QVERIFY(!shortcut.isPending());
    const QString session = portal.boundSession();
    QTRY_VERIFY_WITH_TIMEOUT(portal.lines().contains(u"close "_s + session), kWaitMs);

    // Asking again for the same shortcut asks the desktop again.
    QVERIFY(shortcut.setShortcut(kCtrlAltSpace));
    QVERIFY(shortcut.isPending());
    QVERIFY(failed.wait(kWaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(portal.boundSession() != session, kWaitMs);
}

int main(int argc, char** argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--fake-portal") == 0)
        return runFakePortal(argc, argv);
    QApplication app(argc, argv);
    TestX11Shortcut test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "TestX11Shortcut.moc"
