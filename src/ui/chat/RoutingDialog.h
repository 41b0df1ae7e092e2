// RoutingDialog: a conversation's provider routing preferences (the request's `provider` object:
// order, only, ignore, sort, allow fallbacks, max price per 1M) and the optional provider pin
// (sent as the X-AnyRouter-Provider header). Empty fields mean "the gateway's default".
#pragma once

#include "core/domain/RoutingPrefs.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace anyrouter {

class RoutingDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RoutingDialog(const RoutingPrefs& prefs, QWidget* parent = nullptr);

    RoutingPrefs prefs() const;

    // Comma/space separated provider slugs -> list (empty entries dropped).
    static QStringList parseList(const QString& text);

    QLineEdit* orderEdit() const { return m_order; }
    QLineEdit* onlyEdit() const { return m_only; }
    QLineEdit* ignoreEdit() const { return m_ignore; }
    QComboBox* sortCombo() const { return m_sort; }
    QComboBox* fallbacksCombo() const { return m_fallbacks; }
    QCheckBox* maxPromptCheck() const { return m_useMaxPrompt; }
    QDoubleSpinBox* maxPromptSpin() const { return m_maxPrompt; }
    QCheckBox* maxCompletionCheck() const { return m_useMaxCompletion; }
    QDoubleSpinBox* maxCompletionSpin() const { return m_maxCompletion; }
    QLineEdit* pinEdit() const { return m_pin; }

private:
    QLineEdit* m_order;
    QLineEdit* m_only;
    QLineEdit* m_ignore;
    QComboBox* m_sort;
    QComboBox* m_fallbacks;
    QCheckBox* m_useMaxPrompt;
    QDoubleSpinBox* m_maxPrompt;
    QCheckBox* m_useMaxCompletion;
    QDoubleSpinBox* m_maxCompletion;
    QLineEdit* m_pin;
};

} // namespace anyrouter
