// KeySecretDialog: read-only secret field, Copy (marked as a password for clipboard managers) and a
// warning; wipes its copies of the secret when it closes.
#include "ui/account/KeySecretDialog.h"

#include "ui/common/Palette.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

KeySecretDialog::KeySecretDialog(Reason reason, const QString& keyName, const QString& workspaceName,
                                 QString secret, QWidget* parent)
    : QDialog(parent), m_reason(reason), m_keyName(keyName), m_secret(std::move(secret))
{
    setAttribute(Qt::WA_DeleteOnClose);
    setModal(false);
    setWindowTitle(reason == Reason::Created ? tr("New Key “%1”").arg(keyName) : tr("Key “%1”").arg(keyName));

    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(this);
    heading->setTextFormat(Qt::PlainText);
    heading->setWordWrap(true);
    heading->setText(
        reason == Reason::Created
            ? tr("The key “%1” was created in the workspace “%2”.").arg(keyName, workspaceName)
            : tr("The secret of the key “%1” in the workspace “%2”:").arg(keyName, workspaceName));
    layout->addWidget(heading);

    auto* row = new QHBoxLayout;
    m_edit = new QLineEdit(this);
    m_edit->setReadOnly(true);
    m_edit->setText(m_secret);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setAccessibleName(tr("API key secret"));
    m_edit->setContextMenuPolicy(Qt::NoContextMenu); // Copy below marks the text as a password
    m_edit->setMinimumWidth(m_edit->fontMetrics().horizontalAdvance(m_secret) + 24);
    m_edit->setCursorPosition(0);
    m_edit->selectAll();
    row->addWidget(m_edit, 1);
    m_copy = new QPushButton(tr("&Copy"), this);
    m_copy->setAccessibleName(tr("Copy the key to the clipboard"));
    row->addWidget(m_copy);
    layout->addLayout(row);

    m_warning = new QLabel(this);
    m_warning->setTextFormat(Qt::PlainText);
    m_warning->setWordWrap(true);
    m_warning->setText(warningText());
    m_warning->setAccessibleName(tr("Warning"));
    QColor background = palette::color(palette::Role::Warning), border = background;
    background.setAlphaF(0.14f);
    border.setAlphaF(0.55f);
    m_warning->setStyleSheet(
        u"QLabel { background: %1; border: 1px solid %2; border-radius: 4px; padding: 6px 8px; }"_s.arg(
            background.name(QColor::HexArgb), border.name(QColor::HexArgb)));
    layout->addWidget(m_warning);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setText(tr("&Done"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_copy, &QPushButton::clicked, this, &KeySecretDialog::copyToClipboard);
    m_copy->setDefault(true);
    m_copy->setFocus();
}

KeySecretDialog::~KeySecretDialog()
{
    wipe();
}

QString KeySecretDialog::warningText() const
{
    if (m_reason == Reason::Created)
        return tr("This is the only time the key is shown. Copy it now and keep it somewhere safe, such as a "
                  "password manager. AnyRouter Desktop does not store it: once this window is closed, the "
                  "secret cannot be shown again.");
    return tr("Anyone who has this key can spend this account's credits. Copy it into a safe place; "
              "AnyRouter Desktop does not store it.");
}

void KeySecretDialog::copyToClipboard()
{
    if (m_secret.isEmpty())
        return;
    auto* mime = new QMimeData;
    mime->setText(m_secret);
    // Clipboard managers that honour this hint (Klipper, KeePassXC's convention) keep no history of it.
    mime->setData(u"x-kde-passwordManagerHint"_s, "secret"_ba);
    QGuiApplication::clipboard()->setMimeData(mime);
    m_copy->setText(tr("Copied"));
    emit copied();
}

void KeySecretDialog::done(int result)
{
    wipe();
    QDialog::done(result);
}

void KeySecretDialog::wipe()
{
    if (m_secret.isEmpty())
        return;
    // Best effort: Qt may hold other transient copies. The field goes first, so that it lets go of
    // the buffer it shares with m_secret; then fill() overwrites that buffer in place instead of
    // detaching and zeroing a fresh copy.
    if (m_edit) {
        m_edit->setText(QString(m_edit->text().size(), u'\0'));
        m_edit->clear();
    }
    m_secret.fill(u'\0');
    m_secret.clear();
}

} // namespace anyrouter
