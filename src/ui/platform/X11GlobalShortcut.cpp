// X11GlobalShortcut: passive key grabs on the root windows over Qt's xcb connection. The grabs are
// checked requests, so a key another client holds comes back as BadAccess at once; the round trips
// are to the local X server, once per change of shortcut.
#include "ui/platform/X11GlobalShortcut.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QLoggingCategory>

#include <xcb/xcb.h>

#include <cstdlib>
#include <memory>

namespace anyrouter {

Q_DECLARE_LOGGING_CATEGORY(lcGlobalShortcut) // defined in GlobalShortcut.cpp

namespace {

struct FreeDeleter
{
    void operator()(void* p) const { std::free(p); }
};
template <typename T> using XcbReply = std::unique_ptr<T, FreeDeleter>;

constexpr std::uint32_t kNumLockKeysym = 0xff7f; // XK_Num_Lock
// The modifier bits of a key event's state (the rest are buttons and, under XKB, the group).
constexpr std::uint16_t kModifierBits = XCB_MOD_MASK_SHIFT | XCB_MOD_MASK_LOCK | XCB_MOD_MASK_CONTROL |
                                        XCB_MOD_MASK_1 | XCB_MOD_MASK_2 | XCB_MOD_MASK_3 | XCB_MOD_MASK_4 |
                                        XCB_MOD_MASK_5;

// This process's shortcuts (GUI thread only), so two of them cannot both think they own a key: to the
// X server they are one client, whose second grab of a key silently replaces the first.
QList<const X11GlobalShortcut*>& instances()
{
    static QList<const X11GlobalShortcut*> list;
    return list;
}

} // namespace

std::unique_ptr<X11GlobalShortcut> X11GlobalShortcut::create(QObject* parent)
{
#if QT_CONFIG(xcb)
    auto* app = qobject_cast<QGuiApplication*>(QCoreApplication::instance());
    auto* x11 = app ? app->nativeInterface<QNativeInterface::QX11Application>() : nullptr;
    if (!x11 || !x11->connection())
        return nullptr;
    return std::make_unique<X11GlobalShortcut>(x11->connection(), parent);
#else
    Q_UNUSED(parent)
    return nullptr;
#endif
}

X11GlobalShortcut::X11GlobalShortcut(xcb_connection_t* connection, QObject* parent)
    : GlobalShortcut(parent), m_connection(connection)
{
    // Every screen's root: on a multi-screen (Zaphod) display the pointer may be on any of them.
    for (auto it = xcb_setup_roots_iterator(xcb_get_setup(m_connection)); it.rem; xcb_screen_next(&it))
        m_roots.append(it.data->root);
    instances().append(this);
    QCoreApplication::instance()->installNativeEventFilter(this);
}

X11GlobalShortcut::~X11GlobalShortcut()
{
    if (auto* app = QCoreApplication::instance())
        app->removeNativeEventFilter(this);
    release(m_grab);
    xcb_flush(m_connection);
    instances().removeOne(this);
}

QString X11GlobalShortcut::backendName() const
{
    return QStringLiteral("X11");
}

bool X11GlobalShortcut::setShortcut(const QKeySequence& sequence)
{
    if (sequence.isEmpty()) {
        release(m_grab);
        xcb_flush(m_connection);
        m_grab = {};
        setRegisteredShortcut({});
        setErrorString({});
        return true;
    }
    QString error;
    const auto chord = chordOf(sequence, &error);
    if (!chord)
        return fail(error);
    // The X server keeps Ctrl+Alt+F1…F12 for switching virtual terminals: a grab of them succeeds
    // but never sees a press.
    if (chord->key >= Qt::Key_F1 && chord->key <= Qt::Key_F12 &&
        (chord->modifiers & (Qt::ControlModifier | Qt::AltModifier)) ==
            (Qt::ControlModifier | Qt::AltModifier))
        return fail(tr("%1 switches to a text console on this desktop. Choose another shortcut.")
                        .arg(sequence.toString(QKeySequence::NativeText)));
    const Grab grab = grabFor(*chord);
    if (grab.chord.keycode == 0)
        return fail(cannotUseMessage(sequence));
    if (heldByAnotherInstance(grab))
        return fail(tr("%1 is already taken by another shortcut of AnyRouter.")
                        .arg(sequence.toString(QKeySequence::NativeText)));
    if (!acquire(grab, sequence))
        return false;
    release(m_grab, grab.combos);
    xcb_flush(m_connection);
    m_grab = grab;
    m_pressed = false;
    setRegisteredShortcut(sequence);
    setErrorString({});
    return true;
}

X11GlobalShortcut::Grab X11GlobalShortcut::grabFor(const KeyChord& chord) const
{
    Grab grab;
    quint32 keysym = 0;
    if (!keysymOf(chord.key, &keysym))
        return grab;

    const xcb_setup_t* setup = xcb_get_setup(m_connection);
    const int first = setup->min_keycode;
    const int count = setup->max_keycode - setup->min_keycode + 1;
    const auto mappingCookie =
        xcb_get_keyboard_mapping(m_connection, setup->min_keycode, std::uint8_t(count));
    const auto modifiersCookie = xcb_get_modifier_mapping(m_connection);
    const XcbReply<xcb_get_keyboard_mapping_reply_t> mapping(
        xcb_get_keyboard_mapping_reply(m_connection, mappingCookie, nullptr));
    const XcbReply<xcb_get_modifier_mapping_reply_t> modifiers(
        xcb_get_modifier_mapping_reply(m_connection, modifiersCookie, nullptr));
    if (!mapping || !modifiers)
        return grab;

    const int perKeycode = mapping->keysyms_per_keycode;
    const xcb_keysym_t* syms = xcb_get_keyboard_mapping_keysyms(mapping.get());
    const int symCount = xcb_get_keyboard_mapping_keysyms_length(mapping.get());
    // The keycode that types `sym` with the fewest levels (unshifted first), 0 if none.
    const auto keycodeOf = [&](std::uint32_t sym) -> std::uint8_t {
        for (int level = 0; level < perKeycode; ++level) {
            for (int i = 0; i < count; ++i) {
                const int index = i * perKeycode + level;
                if (index < symCount && syms[index] == sym)
                    return std::uint8_t(first + i);
            }
        }
        return 0;
    };
    grab.chord.keycode = keycodeOf(keysym);
    if (grab.chord.keycode == 0)
        return grab;

    // NumLock is whichever modifier the Num_Lock key sets (Mod2 nearly always).
    std::uint16_t numLock = 0;
    if (const std::uint8_t numLockKey = keycodeOf(kNumLockKeysym)) {
        const int perModifier = modifiers->keycodes_per_modifier;
        const xcb_keycode_t* keys = xcb_get_modifier_mapping_keycodes(modifiers.get());
        for (int mod = 0; mod < 8 && !numLock; ++mod) {
            for (int j = 0; j < perModifier; ++j) {
                if (keys[mod * perModifier + j] == numLockKey) {
                    numLock = std::uint16_t(1U << mod);
                    break;
                }
            }
        }
    }

    std::uint16_t mask = 0;
    if (chord.modifiers & Qt::ShiftModifier)
        mask |= XCB_MOD_MASK_SHIFT;
    if (chord.modifiers & Qt::ControlModifier)
        mask |= XCB_MOD_MASK_CONTROL;
    if (chord.modifiers & Qt::AltModifier)
        mask |= XCB_MOD_MASK_1;
    if (chord.modifiers & Qt::MetaModifier)
        mask |= XCB_MOD_MASK_4;
    grab.chord.modifiers = mask;
    grab.locks = std::uint16_t(XCB_MOD_MASK_LOCK | numLock);
    // Lock keys that coincide with a modifier of the chord (an odd keymap) are not ignorable.
    grab.locks &= std::uint16_t(~mask);

    // One grab per subset of the lock masks: none, CapsLock, NumLock, both.
    QList<std::uint16_t> variants{0};
    for (const std::uint16_t lock : {std::uint16_t(XCB_MOD_MASK_LOCK), numLock}) {
        if (!(lock & grab.locks))
            continue;
        const qsizetype n = variants.size();
        for (qsizetype i = 0; i < n; ++i)
            variants.append(std::uint16_t(variants[i] | lock));
    }
    for (const std::uint16_t variant : variants)
        grab.combos.append(Combo{grab.chord.keycode, std::uint16_t(mask | variant)});
    return grab;
}

bool X11GlobalShortcut::acquire(const Grab& grab, const QKeySequence& sequence)
{
    struct Pending
    {
        Combo combo;
        std::uint32_t root;
        xcb_void_cookie_t cookie;
    };
    QList<Pending> pending;
    for (const Combo& combo : grab.combos) {
        if (m_grab.combos.contains(combo))
            continue; // already ours: grabbing again would succeed and change nothing
        for (const std::uint32_t root : m_roots) {
            // owner_events false: the press always comes to the root, even over our own windows.
            pending.append({combo, root,
                            xcb_grab_key_checked(m_connection, 0, root, combo.modifiers, combo.keycode,
                                                 XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC)});
        }
    }
    bool taken = false;
    bool failed = false;
    QList<Pending> acquired;
    for (const Pending& p : pending) {
        const XcbReply<xcb_generic_error_t> error(xcb_request_check(m_connection, p.cookie));
        if (!error) {
            acquired.append(p);
        } else if (error->error_code == XCB_ACCESS) {
            taken = true;
        } else {
            failed = true;
            qCWarning(lcGlobalShortcut) << "XGrabKey failed with X error" << error->error_code;
        }
    }
    if (!taken && !failed)
        return true;
    for (const Pending& p : acquired)
        xcb_ungrab_key(m_connection, p.combo.keycode, p.root, p.combo.modifiers);
    xcb_flush(m_connection);
    return fail(taken ? takenMessage(sequence) : cannotUseMessage(sequence));
}

void X11GlobalShortcut::release(const Grab& grab, const QList<Combo>& keep)
{
    for (const Combo& combo : grab.combos) {
        if (keep.contains(combo))
            continue;
        for (const std::uint32_t root : m_roots)
            xcb_ungrab_key(m_connection, combo.keycode, root, combo.modifiers);
    }
}

bool X11GlobalShortcut::heldByAnotherInstance(const Grab& grab) const
{
    for (const X11GlobalShortcut* other : instances()) {
        if (other == this)
            continue;
        for (const Combo& combo : grab.combos) {
            if (other->m_grab.combos.contains(combo))
                return true;
        }
    }
    return false;
}

bool X11GlobalShortcut::nativeEventFilter(const QByteArray& eventType, void* message, qintptr* result)
{
    Q_UNUSED(result)
    if (m_grab.chord.keycode == 0 || eventType != "xcb_generic_event_t")
        return false;
    const auto* event = static_cast<const xcb_generic_event_t*>(message);
    const int type = event->response_type & 0x7f; // the high bit marks events sent by SendEvent
    if (type != XCB_KEY_PRESS && type != XCB_KEY_RELEASE)
        return false;
    // Press and release events share one layout.
    const auto* key = reinterpret_cast<const xcb_key_press_event_t*>(event);
    if (key->detail != m_grab.chord.keycode || !m_roots.contains(key->event))
        return false;
    if (type == XCB_KEY_RELEASE) {
        m_pressed = false;
        m_lastReleaseTime = key->time;
        return true;
    }
    const std::uint16_t state = key->state & kModifierBits & std::uint16_t(~m_grab.locks);
    if (state != m_grab.chord.modifiers)
        return false;
    // A held key repeats, either as release + press pairs of one timestamp (the core protocol's
    // auto-repeat) or, with XKB's detectable auto-repeat, as presses alone; neither is a new press.
    // A held key that sent nothing for a second (a release we never saw) is pressed anew.
    const bool repeat = m_pressed ? std::uint32_t(key->time - m_lastPressTime) < 1000
                                  : m_lastReleaseTime != 0 && key->time == m_lastReleaseTime;
    m_pressed = true;
    m_lastPressTime = key->time;
    if (!repeat)
        emit activated();
    return true;
}

} // namespace anyrouter
