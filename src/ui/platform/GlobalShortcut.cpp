// GlobalShortcut: the backend choice, the unavailable backend, and what every backend shares (the
// messages, the key chord check, and Qt::Key -> X/XKB keysym mapping used by the X11 and portal ones).
#include "ui/platform/GlobalShortcut.h"

#include <QGuiApplication>
#include <QLoggingCategory>

#if defined(ANYROUTER_HAVE_X11)
#include "ui/platform/X11GlobalShortcut.h"
#endif
#if defined(ANYROUTER_HAVE_DBUS)
#include "ui/platform/PortalGlobalShortcut.h"
#endif

using namespace Qt::StringLiterals;

namespace anyrouter {

// The category of every backend (declared again in their files).
Q_LOGGING_CATEGORY(lcGlobalShortcut, "anyrouter.ui.shortcut")

namespace {

// Where no backend works: says why, and how to bind the quick prompt by hand.
class UnavailableGlobalShortcut final : public GlobalShortcut
{
public:
    UnavailableGlobalShortcut(const QString& why, QObject* parent) : GlobalShortcut(parent), m_reason(why) {}

    QString backendName() const override { return u"none"_s; }
    bool isAvailable() const override { return false; }
    QString unavailableReason() const override { return m_reason; }
    bool setShortcut(const QKeySequence& sequence) override
    {
        if (sequence.isEmpty()) {
            setErrorString({});
            return true;
        }
        return fail(m_reason);
    }

private:
    QString m_reason;
};

std::unique_ptr<GlobalShortcut> unavailable(const QString& why, QObject* parent)
{
    //: %1 is why, e.g. "this Wayland session offers no desktop portal for them"
    const QString text = GlobalShortcut::tr("Global shortcuts do not work here: %1.").arg(why) + u' ' +
                         GlobalShortcut::manualBindingHint();
    return std::make_unique<UnavailableGlobalShortcut>(text, parent);
}

} // namespace

GlobalShortcut::GlobalShortcut(QObject* parent) : QObject(parent) {}

GlobalShortcut::~GlobalShortcut() = default;

std::unique_ptr<GlobalShortcut> GlobalShortcut::create(QObject* parent)
{
#if defined(Q_OS_WIN)
    return detail::createWindowsGlobalShortcut(parent);
#elif defined(Q_OS_MACOS)
    return detail::createMacGlobalShortcut(parent);
#else
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
        return unavailable(tr("the app runs without a display"), parent);
    const QString platform = QGuiApplication::platformName();
    if (platform == u"xcb"_s) {
#if defined(ANYROUTER_HAVE_X11)
        if (auto shortcut = X11GlobalShortcut::create(parent))
            return shortcut;
        return unavailable(tr("the connection to the X server cannot be used for key grabs"), parent);
#else
        return unavailable(tr("this build of AnyRouter was made without X11 support"), parent);
#endif
    }
    if (platform.startsWith(u"wayland"_s)) {
#if defined(ANYROUTER_HAVE_DBUS)
        QString why;
        if (PortalGlobalShortcut::isOffered(&why))
            return std::make_unique<PortalGlobalShortcut>(parent);
        return unavailable(why, parent);
#else
        return unavailable(tr("this build of AnyRouter was made without D-Bus, which the Wayland desktop "
                              "portal needs"),
                           parent);
#endif
    }
    return unavailable(tr("the “%1” display offers no way to register them").arg(platform), parent);
#endif
}

QString GlobalShortcut::unavailableReason() const
{
    return {};
}

QKeySequence GlobalShortcut::shortcut() const
{
    return m_shortcut;
}

QString GlobalShortcut::errorString() const
{
    return m_error;
}

QKeySequence GlobalShortcut::defaultShortcut()
{
    return QKeySequence(Qt::ControlModifier | Qt::AltModifier | Qt::Key_Space);
}

QString GlobalShortcut::quickPromptCommand()
{
    return u"anyrouter-desktop --quick-prompt"_s;
}

QString GlobalShortcut::manualBindingHint()
{
    //: %1 is the command line, "anyrouter-desktop --quick-prompt"
    return tr("To open the quick prompt with a key anyway, add a custom shortcut in your desktop’s keyboard "
              "settings that runs: %1")
        .arg(quickPromptCommand());
}

bool GlobalShortcut::fail(const QString& message)
{
    m_error = message;
    return false;
}

QString GlobalShortcut::takenMessage(const QKeySequence& sequence)
{
    return tr("%1 is already taken by another program. Choose another shortcut, or free this one in the "
              "program that uses it.")
        .arg(sequence.toString(QKeySequence::NativeText));
}

QString GlobalShortcut::cannotUseMessage(const QKeySequence& sequence)
{
    return tr("%1 cannot be used as a global shortcut. Choose another one.")
        .arg(sequence.toString(QKeySequence::NativeText));
}

std::optional<GlobalShortcut::KeyChord> GlobalShortcut::chordOf(const QKeySequence& sequence, QString* error)
{
    if (sequence.count() != 1) {
        if (error)
            *error = tr("A global shortcut is one key combination, such as %1.")
                         .arg(defaultShortcut().toString(QKeySequence::NativeText));
        return std::nullopt;
    }
    const QKeyCombination combination = sequence[0];
    KeyChord chord;
    chord.key = combination.key();
    chord.modifiers = combination.keyboardModifiers() &
                      (Qt::ControlModifier | Qt::AltModifier | Qt::ShiftModifier | Qt::MetaModifier);
    switch (chord.key) {
    case Qt::Key_unknown:
    case Qt::Key_Control:
    case Qt::Key_Shift:
    case Qt::Key_Alt:
    case Qt::Key_Meta:
    case Qt::Key_AltGr:
    case Qt::Key_Super_L:
    case Qt::Key_Super_R:
    case Qt::Key_CapsLock:
    case Qt::Key_NumLock:
    case Qt::Key_ScrollLock:
        if (error)
            *error = tr("A global shortcut needs a key besides its modifiers.");
        return std::nullopt;
    default:
        break;
    }
    // Keys that type text (Qt's codes below the special range) need a real modifier: Shift alone
    // still types a character.
    const bool typesText = chord.key < Qt::Key_Escape;
    if (typesText && !(chord.modifiers & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))) {
        if (error)
            *error = tr("%1 needs Ctrl, Alt or Meta with it: alone it would stop you typing that key.")
                         .arg(sequence.toString(QKeySequence::NativeText));
        return std::nullopt;
    }
    return chord;
}

bool GlobalShortcut::keysymOf(Qt::Key key, quint32* keysym, QString* name)
{
    struct Named
    {
        Qt::Key key;
        quint32 keysym;
        const char16_t* name;
    };
    // Latin-1 keysyms equal the character code, as do Qt's codes for these keys; the names are XKB's.
    static constexpr Named table[] = {
        {Qt::Key_Space, 0x20, u"space"},
        {Qt::Key_Exclam, 0x21, u"exclam"},
        {Qt::Key_QuoteDbl, 0x22, u"quotedbl"},
        {Qt::Key_NumberSign, 0x23, u"numbersign"},
        {Qt::Key_Dollar, 0x24, u"dollar"},
        {Qt::Key_Percent, 0x25, u"percent"},
        {Qt::Key_Ampersand, 0x26, u"ampersand"},
        {Qt::Key_Apostrophe, 0x27, u"apostrophe"},
        {Qt::Key_ParenLeft, 0x28, u"parenleft"},
        {Qt::Key_ParenRight, 0x29, u"parenright"},
        {Qt::Key_Asterisk, 0x2a, u"asterisk"},
        {Qt::Key_Plus, 0x2b, u"plus"},
        {Qt::Key_Comma, 0x2c, u"comma"},
        {Qt::Key_Minus, 0x2d, u"minus"},
        {Qt::Key_Period, 0x2e, u"period"},
        {Qt::Key_Slash, 0x2f, u"slash"},
        {Qt::Key_Colon, 0x3a, u"colon"},
        {Qt::Key_Semicolon, 0x3b, u"semicolon"},
        {Qt::Key_Less, 0x3c, u"less"},
        {Qt::Key_Equal, 0x3d, u"equal"},
        {Qt::Key_Greater, 0x3e, u"greater"},
        {Qt::Key_Question, 0x3f, u"question"},
        {Qt::Key_At, 0x40, u"at"},
        {Qt::Key_BracketLeft, 0x5b, u"bracketleft"},
        {Qt::Key_Backslash, 0x5c, u"backslash"},
        {Qt::Key_BracketRight, 0x5d, u"bracketright"},
        {Qt::Key_AsciiCircum, 0x5e, u"asciicircum"},
        {Qt::Key_Underscore, 0x5f, u"underscore"},
        {Qt::Key_QuoteLeft, 0x60, u"grave"},
        {Qt::Key_BraceLeft, 0x7b, u"braceleft"},
        {Qt::Key_Bar, 0x7c, u"bar"},
        {Qt::Key_BraceRight, 0x7d, u"braceright"},
        {Qt::Key_AsciiTilde, 0x7e, u"asciitilde"},
        {Qt::Key_Escape, 0xff1b, u"Escape"},
        {Qt::Key_Tab, 0xff09, u"Tab"},
        {Qt::Key_Backspace, 0xff08, u"BackSpace"},
        {Qt::Key_Return, 0xff0d, u"Return"},
        {Qt::Key_Enter, 0xff8d, u"KP_Enter"},
        {Qt::Key_Insert, 0xff63, u"Insert"},
        {Qt::Key_Delete, 0xffff, u"Delete"},
        {Qt::Key_Pause, 0xff13, u"Pause"},
        {Qt::Key_Print, 0xff61, u"Print"},
        {Qt::Key_Home, 0xff50, u"Home"},
        {Qt::Key_End, 0xff57, u"End"},
        {Qt::Key_Left, 0xff51, u"Left"},
        {Qt::Key_Up, 0xff52, u"Up"},
        {Qt::Key_Right, 0xff53, u"Right"},
        {Qt::Key_Down, 0xff54, u"Down"},
        {Qt::Key_PageUp, 0xff55, u"Page_Up"},
        {Qt::Key_PageDown, 0xff56, u"Page_Down"},
        {Qt::Key_Menu, 0xff67, u"Menu"},
    };
    quint32 sym = 0;
    QString symName;
    if (key >= Qt::Key_A && key <= Qt::Key_Z) {
        sym = quint32(key) - Qt::Key_A + 'a'; // the unshifted keysym: Shift, if wanted, is a modifier
        symName = QChar(char16_t(sym));
    } else if (key >= Qt::Key_0 && key <= Qt::Key_9) {
        sym = quint32(key);
        symName = QChar(char16_t(sym));
    } else if (key >= Qt::Key_F1 && key <= Qt::Key_F35) {
        const int n = key - Qt::Key_F1;
        sym = 0xffbe + quint32(n); // XK_F1 … XK_F35 are consecutive
        symName = u'F' + QString::number(n + 1);
    } else {
        for (const Named& entry : table) {
            if (entry.key == key) {
                sym = entry.keysym;
                symName = QString::fromUtf16(entry.name);
                break;
            }
        }
    }
    if (sym == 0)
        return false;
    if (keysym)
        *keysym = sym;
    if (name)
        *name = symName;
    return true;
}

} // namespace anyrouter
