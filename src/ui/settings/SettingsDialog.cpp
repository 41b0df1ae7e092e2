// SettingsDialog: the form, its validation and the writes.
#include "ui/settings/SettingsDialog.h"

#include "core/platform/Autostart.h"
#include "core/storage/Settings.h"
#include "ui/common/Palette.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

SettingsDialog::SettingsDialog(Settings* settings, QWidget* parent) : QDialog(parent), m_settings(settings)
{
#ifdef Q_OS_MACOS
    setWindowTitle(tr("Preferences"));
#else
    setWindowTitle(tr("Settings"));
#endif
    // Quick prompt.
    auto* quick = new QGroupBox(tr("Quick prompt"), this);
    m_shortcut = new QKeySequenceEdit(quick);
    m_shortcut->setAccessibleName(tr("Quick prompt shortcut"));
    m_shortcut->setAccessibleDescription(
        tr("A key combination that opens the quick prompt from any application"));
    m_clearShortcut = new QToolButton(quick);
    m_clearShortcut->setText(tr("Clear"));
    m_clearShortcut->setAccessibleName(tr("Clear the quick prompt shortcut"));
    connect(m_clearShortcut, &QToolButton::clicked, m_shortcut, &QKeySequenceEdit::clear);
    // One key combination: a sequence of several (Ctrl+K, Ctrl+P) cannot be grabbed system-wide.
    connect(m_shortcut, &QKeySequenceEdit::editingFinished, this, [this] {
        const QKeySequence seq = m_shortcut->keySequence();
        if (seq.count() > 1)
            m_shortcut->setKeySequence(QKeySequence(seq[0]));
    });
    m_shortcutStatus = new QLabel(quick);
    m_shortcutStatus->setWordWrap(true);
    m_shortcutStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* shortcutRow = new QHBoxLayout;
    shortcutRow->addWidget(m_shortcut, 1);
    shortcutRow->addWidget(m_clearShortcut);
    auto* quickForm = new QFormLayout(quick);
    auto* shortcutLabel = new QLabel(tr("&Shortcut:"), quick);
    shortcutLabel->setBuddy(m_shortcut);
    quickForm->addRow(shortcutLabel, shortcutRow);
    quickForm->addRow(m_shortcutStatus);

    // Window and start-up.
    auto* window = new QGroupBox(tr("Window and start-up"), this);
    m_closeToTray = new QCheckBox(tr("Closing the window &keeps the app running in the tray"), window);
    m_startHidden = new QCheckBox(tr("Start &hidden in the tray"), window);
    m_startAtLogin = new QCheckBox(tr("Start at &login"), window);
    m_trayNote = new QLabel(window);
    m_trayNote->setWordWrap(true);
    m_trayNote->hide();
    auto* windowLayout = new QVBoxLayout(window);
    windowLayout->addWidget(m_closeToTray);
    windowLayout->addWidget(m_startHidden);
    windowLayout->addWidget(m_startAtLogin);
    windowLayout->addWidget(m_trayNote);
    if (!Autostart::isSupported()) {
        m_startAtLogin->setEnabled(false);
        m_startAtLogin->setToolTip(tr("This system offers no way to start the app at login."));
    }

    // Chat and account.
    auto* chat = new QGroupBox(tr("Chat and account"), this);
    m_enterSends = new QCheckBox(tr("&Enter sends (Shift+Enter adds a line)"), chat);
    m_lowBalance = new QDoubleSpinBox(chat);
    m_lowBalance->setRange(0, 100000);
    m_lowBalance->setDecimals(2);
    m_lowBalance->setPrefix(u"$"_s);
    m_lowBalance->setSingleStep(1);
    m_lowBalance->setAccessibleName(tr("Low-balance warning threshold"));
    m_lowBalance->setToolTip(tr("Warn when a workspace's balance falls below this amount (0: never)"));
    auto* chatForm = new QFormLayout(chat);
    chatForm->addRow(m_enterSends);
    auto* lowLabel = new QLabel(tr("&Warn below:"), chat);
    lowLabel->setBuddy(m_lowBalance);
    chatForm->addRow(lowLabel, m_lowBalance);

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"QLabel { %1 }"_s.arg(palette::textCss(palette::Role::Error)));
    m_error->setAccessibleName(tr("Settings error"));
    m_error->hide();

    m_buttons =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(quick);
    layout->addWidget(window);
    layout->addWidget(chat);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    load();
}

void SettingsDialog::load()
{
    m_shortcut->setKeySequence(
        QKeySequence::fromString(m_settings->quickPromptShortcut(), QKeySequence::PortableText));
    m_closeToTray->setChecked(m_settings->closeToTray());
    m_startHidden->setChecked(m_settings->startHidden());
    m_startAtLogin->setChecked(Autostart::isSupported() ? Autostart::isEnabled() : false);
    m_enterSends->setChecked(m_settings->enterSends());
    m_lowBalance->setValue(m_settings->lowBalanceThreshold());
}

void SettingsDialog::setTrayAvailable(bool available)
{
    m_closeToTray->setEnabled(available);
    m_startHidden->setEnabled(available);
    m_trayNote->setVisible(!available);
    m_trayNote->setText(available ? QString()
                                  : tr("This desktop shows no system tray: closing the window quits the app, "
                                       "and it always starts with its window."));
}

void SettingsDialog::setShortcutBackend(ShortcutApplier apply, const QString& unavailableReason)
{
    m_applyShortcut = std::move(apply);
    m_shortcutUsable = unavailableReason.isEmpty();
    m_shortcut->setEnabled(m_shortcutUsable);
    m_clearShortcut->setEnabled(m_shortcutUsable);
    // The command on one line: a line break inside it would read as two words to type.
    const QString command = u"<span style=\"white-space:nowrap\"><code>%1</code></span>"_s.arg(
        u"anyrouter-desktop --quick-prompt"_s);
    m_shortcutStatus->setTextFormat(Qt::RichText);
    m_shortcutStatus->setText(
        m_shortcutUsable
            ? tr("Works in every application. The command %1 opens it too.").arg(command)
            : unavailableReason.toHtmlEscaped().replace(u"anyrouter-desktop --quick-prompt"_s, command));
}

void SettingsDialog::showError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

bool SettingsDialog::apply()
{
    showError(QString());
    // The shortcut first: it is the one another program can refuse.
    if (m_shortcutUsable) {
        const QKeySequence seq = m_shortcut->keySequence();
        const QString portable = seq.toString(QKeySequence::PortableText);
        if (portable != m_settings->quickPromptShortcut() || !m_applyShortcut) {
            QString error;
            if (m_applyShortcut && !m_applyShortcut(seq, &error)) {
                showError(tr("The shortcut %1 cannot be used: %2")
                              .arg(seq.toString(QKeySequence::NativeText), error));
                m_shortcut->setFocus();
                return false;
            }
            m_settings->setQuickPromptShortcut(portable);
        }
    }
    if (Autostart::isSupported() && m_startAtLogin->isChecked() != Autostart::isEnabled()) {
        QString error;
        if (!Autostart::setEnabled(m_startAtLogin->isChecked(), &error)) {
            showError(tr("Start at login could not be changed: %1").arg(error));
            return false;
        }
    }
    m_settings->setStartAtLogin(m_startAtLogin->isChecked());
    if (m_closeToTray->isEnabled())
        m_settings->setCloseToTray(m_closeToTray->isChecked());
    if (m_startHidden->isEnabled())
        m_settings->setStartHidden(m_startHidden->isChecked());
    m_settings->setEnterSends(m_enterSends->isChecked());
    m_settings->setLowBalanceThreshold(m_lowBalance->value());
    m_settings->sync();
    emit applied();
    return true;
}

void SettingsDialog::accept()
{
    if (apply())
        QDialog::accept();
}

} // namespace anyrouter
