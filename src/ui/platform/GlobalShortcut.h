// GlobalShortcut: one system-wide key combination that opens the quick prompt, whatever window has
// the focus. One interface, one backend per platform and session, chosen by create(): an X11 key
// grab on the root window, the XDG GlobalShortcuts portal on Wayland, RegisterHotKey on Windows,
// RegisterEventHotKey on macOS — or, where none works, an unavailable one whose reason tells the
// user, in plain words, how to bind `anyrouter-desktop --quick-prompt` in the desktop's own settings.
#pragma once

#include <QKeySequence>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace anyrouter {

class GlobalShortcut : public QObject
{
    Q_OBJECT
public:
    // The backend for this platform and session: X11 when QGuiApplication::platformName() is "xcb",
    // the portal on Wayland when the session bus has org.freedesktop.portal.Desktop with the
    // GlobalShortcuts interface, the Windows/macOS natives there; else an unavailable one
    // (isAvailable() false, unavailableReason() set). Call it on the GUI thread, after the
    // QGuiApplication exists.
    static std::unique_ptr<GlobalShortcut> create(QObject* parent = nullptr);
    ~GlobalShortcut() override;

    virtual QString backendName() const = 0; // "X11", "XDG portal", "Windows", "macOS", "none"
    virtual bool isAvailable() const = 0;
    // Plain words for Settings (empty when available); always ends with manualBindingHint().
    virtual QString unavailableReason() const;

    // Registers `sequence` (one key combination; empty = unregister). False with errorString() when
    // the key is taken by another program or cannot be grabbed; the shortcut registered before, if
    // any, then stays registered.
    virtual bool setShortcut(const QKeySequence& sequence) = 0;
    // The combination registered (or, for the portal, asked for); empty when none.
    QKeySequence shortcut() const;
    // Why the last setShortcut() failed, in plain words; empty after a success.
    QString errorString() const;

    // Ctrl+Alt+Space, the shortcut Settings offers until the user picks another.
    static QKeySequence defaultShortcut();
    // The command a desktop's own keyboard settings can bind instead: "anyrouter-desktop --quick-prompt".
    static QString quickPromptCommand();
    // One sentence telling the user how to bind quickPromptCommand() by hand.
    static QString manualBindingHint();

signals:
    void activated();
    // A failure that arrives after setShortcut() returned (the portal answers asynchronously);
    // errorString() holds the same words.
    void errorOccurred(const QString& message);

protected:
    explicit GlobalShortcut(QObject* parent);

    void setRegisteredShortcut(const QKeySequence& sequence) { m_shortcut = sequence; }
    void setErrorString(const QString& message) { m_error = message; }
    // Sets errorString() and returns false, for `return fail(...)`.
    bool fail(const QString& message);
    // "Ctrl+Alt+Space is already taken by another program…": the conflict message every backend gives.
    static QString takenMessage(const QKeySequence& sequence);
    static QString cannotUseMessage(const QKeySequence& sequence);

    // One key combination split into its key and the modifiers a global shortcut may use
    // (Ctrl, Alt, Shift, Meta; keypad and group flags dropped).
    struct KeyChord
    {
        Qt::Key key = Qt::Key_unknown;
        Qt::KeyboardModifiers modifiers;
        friend bool operator==(const KeyChord&, const KeyChord&) = default;
    };
    // The chord of `sequence`, or nullopt with `error` set: more than one combination, a modifier
    // alone, or a character key without Ctrl, Alt or Meta (grabbing it would stop the user typing it).
    static std::optional<KeyChord> chordOf(const QKeySequence& sequence, QString* error);

    // The X keysym of `key` (also the XKB keysym the portal's trigger names), with its XKB name
    // ("space", "a", "F5", "Return"); false for a key no backend maps.
    static bool keysymOf(Qt::Key key, quint32* keysym, QString* name = nullptr);

private:
    QKeySequence m_shortcut;
    QString m_error;
};

namespace detail {
// The native backends, defined in files compiled only on their systems.
#if defined(Q_OS_WIN)
std::unique_ptr<GlobalShortcut> createWindowsGlobalShortcut(QObject* parent); // WinGlobalShortcut.cpp
#elif defined(Q_OS_MACOS)
std::unique_ptr<GlobalShortcut> createMacGlobalShortcut(QObject* parent); // MacGlobalShortcut.cpp
#endif
} // namespace detail

} // namespace anyrouter
