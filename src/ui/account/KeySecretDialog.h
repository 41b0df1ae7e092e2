// KeySecretDialog: shows a key's full secret right after it was created (the only time the gateway
// hands it out) or after a reveal. Modeless, so the user can paste the key elsewhere while it is
// open. The secret lives only in this dialog: it is never stored or logged, and closing the dialog
// overwrites and drops the copies the dialog holds.
#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace anyrouter {

class KeySecretDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Reason
    {
        Created,
        Revealed
    };

    KeySecretDialog(Reason reason, const QString& keyName, const QString& workspaceName, QString secret,
                    QWidget* parent = nullptr);
    ~KeySecretDialog() override;

    Reason reason() const { return m_reason; }
    QString keyName() const { return m_keyName; }
    bool hasSecret() const { return !m_secret.isEmpty(); }
    QLineEdit* secretEdit() const { return m_edit; }
    QPushButton* copyButton() const { return m_copy; }
    QString warningText() const;

    void copyToClipboard();

    void done(int result) override;

signals:
    void copied();

private:
    void wipe();

    Reason m_reason;
    QString m_keyName;
    QString m_secret;
    QLabel* m_warning = nullptr;
    QLineEdit* m_edit = nullptr;
    QPushButton* m_copy = nullptr;
};

} // namespace anyrouter
