// X11GlobalShortcut: the global shortcut on X11 — a passive key grab on every root window, over Qt's
// own xcb connection, for the key and its modifiers plus the NumLock / CapsLock variants (so the
// shortcut works whatever the lock keys say). A grab another client already holds is reported as
// taken (BadAccess), and so is one another GlobalShortcut of this process holds. Key presses arrive
// through a native event filter; the grab is released on change and destruction.
#pragma once

#include "ui/platform/GlobalShortcut.h"

#include <QAbstractNativeEventFilter>
#include <QList>

#include <cstdint>

struct xcb_connection_t;

namespace anyrouter {

class X11GlobalShortcut final : public GlobalShortcut, private QAbstractNativeEventFilter
{
    Q_OBJECT
public:
    // nullptr when the application is not on the xcb platform (or Qt was built without it).
    static std::unique_ptr<X11GlobalShortcut> create(QObject* parent = nullptr);
    X11GlobalShortcut(xcb_connection_t* connection, QObject* parent);
    ~X11GlobalShortcut() override;

    QString backendName() const override;
    bool isAvailable() const override { return true; }
    bool setShortcut(const QKeySequence& sequence) override;

protected:
    bool nativeEventFilter(const QByteArray& eventType, void* message, qintptr* result) override;

private:
    // One passive grab as the X server knows it: a keycode with an exact modifier mask.
    struct Combo
    {
        std::uint8_t keycode = 0;
        std::uint16_t modifiers = 0;
        friend bool operator==(const Combo&, const Combo&) = default;
    };
    // What one shortcut holds on this keyboard: its keycode and modifiers, the lock masks ignored
    // when matching a press, and the combos grabbed (the chord with each lock variant).
    struct Grab
    {
        Combo chord;             // keycode 0: nothing grabbed
        std::uint16_t locks = 0; // CapsLock | NumLock masks
        QList<Combo> combos;
    };
    // The grab for `chord` on the current keyboard mapping; keycode 0 when no key types its keysym.
    Grab grabFor(const KeyChord& chord) const;
    // Grabs every combo of `grab` on every root window not already in m_grab; on failure releases
    // what it took and sets errorString().
    bool acquire(const Grab& grab, const QKeySequence& sequence);
    // Releases the combos of `grab` except those in `keep`.
    void release(const Grab& grab, const QList<Combo>& keep = {});
    bool heldByAnotherInstance(const Grab& grab) const;

    xcb_connection_t* m_connection;
    QList<std::uint32_t> m_roots;
    Grab m_grab;
    // Auto-repeat filter: a held shortcut activates once.
    bool m_pressed = false;
    std::uint32_t m_lastPressTime = 0;
    std::uint32_t m_lastReleaseTime = 0;
};

} // namespace anyrouter
