// KeyEditDialog: the form behind "New key", "Rename" and "Spend limit" on the Keys panel. It only
// collects and validates input; the panel sends the request once the dialog is accepted, so the
// dialog never waits on the network.
#pragma once

#include "core/api/AccountService.h"
#include "core/domain/Account.h"

#include <QDialog>

#include <functional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace anyrouter {

class KeyEditDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode
    {
        Create, // name, spend limit + reset period, expiry
        Rename, // name only
        Limit   // spend limit + reset period only
    };

    // key: the row being edited (ignored for Create).
    explicit KeyEditDialog(Mode mode, const ApiKeyInfo& key = {}, QWidget* parent = nullptr);

    // Names already used in the workspace: the gateway may refuse a duplicate, so say it up front.
    void setNameTaken(std::function<bool(const QString& name)> taken);

    Mode mode() const { return m_mode; }
    QString keyHash() const { return m_key.hash; }
    QString keyName() const { return m_key.name; }
    NewKeyRequest request() const; // Create
    KeyUpdate update() const;      // Rename / Limit: only the fields that differ from the row

    QLineEdit* nameEdit() const { return m_name; }
    QCheckBox* limitCheck() const { return m_limitCheck; }
    QDoubleSpinBox* limitSpin() const { return m_limit; }
    QComboBox* resetCombo() const { return m_reset; }
    QCheckBox* expiryCheck() const { return m_expiryCheck; }
    QDateEdit* expiryEdit() const { return m_expiry; }
    QPushButton* okButton() const { return m_ok; }
    QString problemText() const; // why OK is disabled, empty when it is not

private:
    void validate();
    QString resetValue() const;

    Mode m_mode;
    ApiKeyInfo m_key;
    std::function<bool(const QString&)> m_nameTaken;
    QLineEdit* m_name = nullptr;
    QCheckBox* m_limitCheck = nullptr;
    QDoubleSpinBox* m_limit = nullptr;
    QComboBox* m_reset = nullptr;
    QCheckBox* m_expiryCheck = nullptr;
    QDateEdit* m_expiry = nullptr;
    QLabel* m_problem = nullptr;
    QPushButton* m_ok = nullptr;
};

} // namespace anyrouter
