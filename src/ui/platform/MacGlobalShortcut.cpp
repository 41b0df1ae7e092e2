// MacGlobalShortcut (compiled on macOS only): the global shortcut through Carbon's
// RegisterEventHotKey — still the one macOS API for a system-wide hot key that needs no
// Accessibility permission. One application event handler serves every instance; the hot key id
// says which one was pressed. Registered exclusively, so a key another app holds is reported taken.
#include "ui/platform/GlobalShortcut.h"

#include <QCoreApplication>
#include <QHash>

#include <Carbon/Carbon.h>

using namespace Qt::StringLiterals;

namespace anyrouter {

namespace {

constexpr OSType kSignature = 'ANYR';

class MacGlobalShortcut final : public GlobalShortcut
{
public:
    explicit MacGlobalShortcut(QObject* parent) : GlobalShortcut(parent), m_id(++s_lastId)
    {
        if (!s_handler) {
            const EventTypeSpec spec{kEventClassKeyboard, kEventHotKeyPressed};
            InstallEventHandler(GetApplicationEventTarget(), &MacGlobalShortcut::onHotKey, 1, &spec, nullptr,
                                &s_handler);
        }
        instances().insert(m_id, this);
    }

    ~MacGlobalShortcut() override
    {
        unregister();
        instances().remove(m_id);
    }

    QString backendName() const override { return u"macOS"_s; }
    bool isAvailable() const override { return s_handler != nullptr; }
    QString unavailableReason() const override
    {
        return isAvailable()
                   ? QString()
                   : tr("Global shortcuts do not work here: macOS refused the app's hot key handler.") +
                         u' ' + manualBindingHint();
    }

    bool setShortcut(const QKeySequence& sequence) override
    {
        if (sequence.isEmpty()) {
            unregister();
            setRegisteredShortcut({});
            setErrorString({});
            return true;
        }
        QString error;
        const auto chord = chordOf(sequence, &error);
        if (!chord)
            return fail(error);
        const UInt32 key = keyCodeOf(chord->key);
        if (key == kNoKey)
            return fail(cannotUseMessage(sequence));
        // Qt calls Command "Ctrl" and Control "Meta" on macOS, unless the app asks it not to.
        const bool swapped = !QCoreApplication::testAttribute(Qt::AA_MacDontSwapCtrlAndMeta);
        UInt32 modifiers = 0;
        if (chord->modifiers & Qt::ControlModifier)
            modifiers |= swapped ? cmdKey : controlKey;
        if (chord->modifiers & Qt::MetaModifier)
            modifiers |= swapped ? controlKey : cmdKey;
        if (chord->modifiers & Qt::AltModifier)
            modifiers |= optionKey;
        if (chord->modifiers & Qt::ShiftModifier)
            modifiers |= shiftKey;
        if (m_ref && key == m_key && modifiers == m_modifiers) {
            setRegisteredShortcut(sequence);
            setErrorString({});
            return true;
        }
        // The same id for the new key: release the old one first, and take it back on failure.
        const EventHotKeyRef old = m_ref;
        m_ref = nullptr;
        if (old)
            UnregisterEventHotKey(old);
        const OSStatus status = registerKey(key, modifiers);
        if (status != noErr) {
            if (old)
                registerKey(m_key, m_modifiers);
            return fail(status == eventHotKeyExistsErr ? takenMessage(sequence) : cannotUseMessage(sequence));
        }
        m_key = key;
        m_modifiers = modifiers;
        setRegisteredShortcut(sequence);
        setErrorString({});
        return true;
    }

private:
    static constexpr UInt32 kNoKey = 0xffff;

    OSStatus registerKey(UInt32 key, UInt32 modifiers)
    {
        const EventHotKeyID id{kSignature, m_id};
        return RegisterEventHotKey(key, modifiers, id, GetApplicationEventTarget(), kEventHotKeyExclusive,
                                   &m_ref);
    }

    void unregister()
    {
        if (m_ref)
            UnregisterEventHotKey(m_ref);
        m_ref = nullptr;
    }

    static OSStatus onHotKey(EventHandlerCallRef next, EventRef event, void* data)
    {
        Q_UNUSED(data)
        EventHotKeyID id{};
        if (GetEventParameter(event, kEventParamDirectObject, typeEventHotKeyID, nullptr, sizeof(id), nullptr,
                              &id) == noErr &&
            id.signature == kSignature) {
            if (MacGlobalShortcut* shortcut = instances().value(id.id)) {
                emit shortcut->activated();
                return noErr;
            }
        }
        return CallNextEventHandler(next, event);
    }

    static QHash<UInt32, MacGlobalShortcut*>& instances()
    {
        static QHash<UInt32, MacGlobalShortcut*> map;
        return map;
    }

    // Virtual key codes name positions on the ANSI (US) keyboard, as Carbon's kVK_ constants do.
    static UInt32 keyCodeOf(Qt::Key key)
    {
        switch (key) {
        case Qt::Key_A:
            return kVK_ANSI_A;
        case Qt::Key_B:
            return kVK_ANSI_B;
        case Qt::Key_C:
            return kVK_ANSI_C;
        case Qt::Key_D:
            return kVK_ANSI_D;
        case Qt::Key_E:
            return kVK_ANSI_E;
        case Qt::Key_F:
            return kVK_ANSI_F;
        case Qt::Key_G:
            return kVK_ANSI_G;
        case Qt::Key_H:
            return kVK_ANSI_H;
        case Qt::Key_I:
            return kVK_ANSI_I;
        case Qt::Key_J:
            return kVK_ANSI_J;
        case Qt::Key_K:
            return kVK_ANSI_K;
        case Qt::Key_L:
            return kVK_ANSI_L;
        case Qt::Key_M:
            return kVK_ANSI_M;
        case Qt::Key_N:
            return kVK_ANSI_N;
        case Qt::Key_O:
            return kVK_ANSI_O;
        case Qt::Key_P:
            return kVK_ANSI_P;
        case Qt::Key_Q:
            return kVK_ANSI_Q;
        case Qt::Key_R:
            return kVK_ANSI_R;
        case Qt::Key_S:
            return kVK_ANSI_S;
        case Qt::Key_T:
            return kVK_ANSI_T;
        case Qt::Key_U:
            return kVK_ANSI_U;
        case Qt::Key_V:
            return kVK_ANSI_V;
        case Qt::Key_W:
            return kVK_ANSI_W;
        case Qt::Key_X:
            return kVK_ANSI_X;
        case Qt::Key_Y:
            return kVK_ANSI_Y;
        case Qt::Key_Z:
            return kVK_ANSI_Z;
        case Qt::Key_0:
            return kVK_ANSI_0;
        case Qt::Key_1:
            return kVK_ANSI_1;
        case Qt::Key_2:
            return kVK_ANSI_2;
        case Qt::Key_3:
            return kVK_ANSI_3;
        case Qt::Key_4:
            return kVK_ANSI_4;
        case Qt::Key_5:
            return kVK_ANSI_5;
        case Qt::Key_6:
            return kVK_ANSI_6;
        case Qt::Key_7:
            return kVK_ANSI_7;
        case Qt::Key_8:
            return kVK_ANSI_8;
        case Qt::Key_9:
            return kVK_ANSI_9;
        case Qt::Key_Minus:
            return kVK_ANSI_Minus;
        case Qt::Key_Equal:
            return kVK_ANSI_Equal;
        case Qt::Key_BracketLeft:
            return kVK_ANSI_LeftBracket;
        case Qt::Key_BracketRight:
            return kVK_ANSI_RightBracket;
        case Qt::Key_Semicolon:
            return kVK_ANSI_Semicolon;
        case Qt::Key_Apostrophe:
            return kVK_ANSI_Quote;
        case Qt::Key_Backslash:
            return kVK_ANSI_Backslash;
        case Qt::Key_Comma:
            return kVK_ANSI_Comma;
        case Qt::Key_Period:
            return kVK_ANSI_Period;
        case Qt::Key_Slash:
            return kVK_ANSI_Slash;
        case Qt::Key_QuoteLeft:
            return kVK_ANSI_Grave;
        case Qt::Key_Space:
            return kVK_Space;
        case Qt::Key_Return:
            return kVK_Return;
        case Qt::Key_Enter:
            return kVK_ANSI_KeypadEnter;
        case Qt::Key_Tab:
            return kVK_Tab;
        case Qt::Key_Escape:
            return kVK_Escape;
        case Qt::Key_Backspace:
            return kVK_Delete;
        case Qt::Key_Delete:
            return kVK_ForwardDelete;
        case Qt::Key_Home:
            return kVK_Home;
        case Qt::Key_End:
            return kVK_End;
        case Qt::Key_PageUp:
            return kVK_PageUp;
        case Qt::Key_PageDown:
            return kVK_PageDown;
        case Qt::Key_Left:
            return kVK_LeftArrow;
        case Qt::Key_Right:
            return kVK_RightArrow;
        case Qt::Key_Up:
            return kVK_UpArrow;
        case Qt::Key_Down:
            return kVK_DownArrow;
        case Qt::Key_F1:
            return kVK_F1;
        case Qt::Key_F2:
            return kVK_F2;
        case Qt::Key_F3:
            return kVK_F3;
        case Qt::Key_F4:
            return kVK_F4;
        case Qt::Key_F5:
            return kVK_F5;
        case Qt::Key_F6:
            return kVK_F6;
        case Qt::Key_F7:
            return kVK_F7;
        case Qt::Key_F8:
            return kVK_F8;
        case Qt::Key_F9:
            return kVK_F9;
        case Qt::Key_F10:
            return kVK_F10;
        case Qt::Key_F11:
            return kVK_F11;
        case Qt::Key_F12:
            return kVK_F12;
        case Qt::Key_F13:
            return kVK_F13;
        case Qt::Key_F14:
            return kVK_F14;
        case Qt::Key_F15:
            return kVK_F15;
        case Qt::Key_F16:
            return kVK_F16;
        case Qt::Key_F17:
            return kVK_F17;
        case Qt::Key_F18:
            return kVK_F18;
        case Qt::Key_F19:
            return kVK_F19;
        case Qt::Key_F20:
            return kVK_F20;
        default:
            return kNoKey;
        }
    }

    static inline EventHandlerRef s_handler = nullptr;
    static inline UInt32 s_lastId = 0;

    UInt32 m_id;
    EventHotKeyRef m_ref = nullptr;
    UInt32 m_key = kNoKey;
    UInt32 m_modifiers = 0;
};

} // namespace

namespace detail {

std::unique_ptr<GlobalShortcut> createMacGlobalShortcut(QObject* parent)
{
    return std::make_unique<MacGlobalShortcut>(parent);
}

} // namespace detail

} // namespace anyrouter
