// WinGlobalShortcut (compiled on Windows only): the global shortcut through RegisterHotKey. The
// hot key belongs to the GUI thread (no window), so WM_HOTKEY arrives as a thread message, which
// Qt's event dispatcher hands to native event filters as "windows_generic_MSG" before dispatching.
#include "ui/platform/GlobalShortcut.h"

#include <QAbstractNativeEventFilter>
#include <QCoreApplication>

#include <qt_windows.h>

using namespace Qt::StringLiterals;

namespace anyrouter {

namespace {

class WinGlobalShortcut final : public GlobalShortcut, private QAbstractNativeEventFilter
{
public:
    explicit WinGlobalShortcut(QObject* parent) : GlobalShortcut(parent)
    {
        QCoreApplication::instance()->installNativeEventFilter(this);
    }

    ~WinGlobalShortcut() override
    {
        if (auto* app = QCoreApplication::instance())
            app->removeNativeEventFilter(this);
        unregister();
    }

    QString backendName() const override { return u"Windows"_s; }
    bool isAvailable() const override { return true; }

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
        const UINT key = virtualKeyOf(chord->key);
        if (key == 0)
            return fail(cannotUseMessage(sequence));
        UINT modifiers = MOD_NOREPEAT; // a held shortcut activates once
        if (chord->modifiers & Qt::ControlModifier)
            modifiers |= MOD_CONTROL;
        if (chord->modifiers & Qt::AltModifier)
            modifiers |= MOD_ALT;
        if (chord->modifiers & Qt::ShiftModifier)
            modifiers |= MOD_SHIFT;
        if (chord->modifiers & Qt::MetaModifier)
            modifiers |= MOD_WIN;
        if (m_id != 0 && key == m_key && modifiers == m_modifiers) {
            setRegisteredShortcut(sequence);
            setErrorString({});
            return true;
        }
        // Register the new one before dropping the old, so a failure keeps the old one working.
        const int id = nextId();
        if (!RegisterHotKey(nullptr, id, modifiers, key)) {
            const DWORD code = GetLastError();
            return fail(code == ERROR_HOTKEY_ALREADY_REGISTERED ? takenMessage(sequence)
                                                                : cannotUseMessage(sequence));
        }
        unregister();
        m_id = id;
        m_key = key;
        m_modifiers = modifiers;
        setRegisteredShortcut(sequence);
        setErrorString({});
        return true;
    }

protected:
    bool nativeEventFilter(const QByteArray& eventType, void* message, qintptr* result) override
    {
        Q_UNUSED(result)
        if (m_id == 0 || eventType != "windows_generic_MSG")
            return false;
        const MSG* msg = static_cast<const MSG*>(message);
        if (msg->message != WM_HOTKEY || msg->hwnd != nullptr || msg->wParam != WPARAM(m_id))
            return false;
        emit activated();
        return true;
    }

private:
    void unregister()
    {
        if (m_id != 0)
            UnregisterHotKey(nullptr, m_id);
        m_id = 0;
    }

    // Thread hot key ids must lie in 0x0001-0xBFFF; each instance takes fresh ones.
    static int nextId()
    {
        static int last = 0;
        last = last % 0xBFFF + 1;
        return last;
    }

    static UINT virtualKeyOf(Qt::Key key)
    {
        if ((key >= Qt::Key_A && key <= Qt::Key_Z) || (key >= Qt::Key_0 && key <= Qt::Key_9))
            return UINT(key); // VK_A… and VK_0… are the ASCII codes, as are Qt's
        if (key >= Qt::Key_F1 && key <= Qt::Key_F24)
            return UINT(VK_F1 + (key - Qt::Key_F1));
        switch (key) {
        case Qt::Key_Space:
            return VK_SPACE;
        case Qt::Key_Escape:
            return VK_ESCAPE;
        case Qt::Key_Tab:
            return VK_TAB;
        case Qt::Key_Backspace:
            return VK_BACK;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            return VK_RETURN;
        case Qt::Key_Insert:
            return VK_INSERT;
        case Qt::Key_Delete:
            return VK_DELETE;
        case Qt::Key_Pause:
            return VK_PAUSE;
        case Qt::Key_Print:
            return VK_SNAPSHOT;
        case Qt::Key_Home:
            return VK_HOME;
        case Qt::Key_End:
            return VK_END;
        case Qt::Key_Left:
            return VK_LEFT;
        case Qt::Key_Up:
            return VK_UP;
        case Qt::Key_Right:
            return VK_RIGHT;
        case Qt::Key_Down:
            return VK_DOWN;
        case Qt::Key_PageUp:
            return VK_PRIOR;
        case Qt::Key_PageDown:
            return VK_NEXT;
        case Qt::Key_Menu:
            return VK_APPS;
        default:
            break;
        }
        // Punctuation: whichever key types it on the current layout (the low byte; the high byte
        // is the shift state, which the chord's own modifiers already say).
        if (key >= Qt::Key_Space && key <= Qt::Key_AsciiTilde) {
            const SHORT scan = VkKeyScanW(WCHAR(key));
            if (scan != -1)
                return UINT(scan & 0xff);
        }
        return 0;
    }

    int m_id = 0; // 0: nothing registered
    UINT m_key = 0;
    UINT m_modifiers = 0;
};

} // namespace

namespace detail {

std::unique_ptr<GlobalShortcut> createWindowsGlobalShortcut(QObject* parent)
{
    return std::make_unique<WinGlobalShortcut>(parent);
}

} // namespace detail

} // namespace anyrouter
