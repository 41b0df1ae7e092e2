// SettingsDialog: the app-wide settings (Ctrl+, — Preferences on macOS), as opposed to what belongs
// to one workspace: the quick prompt's global shortcut, close to tray, start at login, start hidden
// in the tray, Enter sends, the low-balance threshold; later issues add language and theme here.
// Values live in the typed Settings table; start at login is mirrored by the platform's autostart
// entry (Autostart). OK applies and closes; a shortcut another program holds, or an autostart entry
// that cannot be written, keeps the dialog open with the reason.
#pragma once

#include <QDialog>
#include <QKeySequence>

#include <functional>

class QCheckBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QKeySequenceEdit;
class QLabel;
class QToolButton;

namespace anyrouter {

class Settings;

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // Tries a shortcut for real (registers it): false with the reason when it cannot be used.
    using ShortcutApplier = std::function<bool(const QKeySequence& sequence, QString* error)>;

    SettingsDialog(Settings* settings, QWidget* parent = nullptr);

    // Where there is no tray, close to tray and start hidden cannot apply: they are disabled, saying why.
    void setTrayAvailable(bool available);
    // The global-shortcut backend: applies a new shortcut; `unavailableReason` non-empty when no
    // backend works on this desktop (the field is disabled and the text says how to bind the
    // command in the desktop's own settings instead).
    void setShortcutBackend(ShortcutApplier apply, const QString& unavailableReason);

    QKeySequenceEdit* shortcutEdit() const { return m_shortcut; }
    QToolButton* clearShortcutButton() const { return m_clearShortcut; }
    QLabel* shortcutStatus() const { return m_shortcutStatus; }
    QCheckBox* closeToTrayBox() const { return m_closeToTray; }
    QCheckBox* startAtLoginBox() const { return m_startAtLogin; }
    QCheckBox* startHiddenBox() const { return m_startHidden; }
    QCheckBox* enterSendsBox() const { return m_enterSends; }
    QDoubleSpinBox* lowBalanceBox() const { return m_lowBalance; }
    QLabel* errorLabel() const { return m_error; }

    // Writes the values (what OK does, without closing). False with errorLabel() showing why.
    bool apply();

public slots:
    void accept() override;

signals:
    void applied(); // the values were written

private:
    void load();
    void showError(const QString& text);

    Settings* m_settings;
    ShortcutApplier m_applyShortcut;
    bool m_shortcutUsable = true;
    QKeySequenceEdit* m_shortcut;
    QToolButton* m_clearShortcut;
    QLabel* m_shortcutStatus;
    QCheckBox* m_closeToTray;
    QCheckBox* m_startAtLogin;
    QCheckBox* m_startHidden;
    QCheckBox* m_enterSends;
    QDoubleSpinBox* m_lowBalance;
    QLabel* m_trayNote;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
};

} // namespace anyrouter
