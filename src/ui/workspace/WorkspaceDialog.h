// WorkspaceDialog: creates or edits one workspace — name, base URL (with the explicit "allow
// unencrypted HTTP" consent), inference and management keys (masked, with Show), default model.
// Saving validates the keys against the gateway without blocking (progress + Cancel) and then
// stores them through WorkspaceEditor; ephemeral workspaces (Demo, Environment) are shown read-only.
#pragma once

#include "core/workspace/WorkspaceEditor.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace anyrouter {

class WorkspaceDialog : public QDialog
{
    Q_OBJECT
public:
    // `existing` empty: a new workspace.
    WorkspaceDialog(WorkspaceEditor* editor, const std::optional<Workspace>& existing,
                    QWidget* parent = nullptr);

    Workspace workspace() const { return m_ws; }              // after accept(): what was saved
    QString resultMessage() const { return m_resultMessage; } // "Saved … The key works for …"
    bool isReadOnly() const { return m_readOnly; }
    bool isBusy() const;

    // Widgets, for tests and accessibility checks.
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* urlEdit() const { return m_url; }
    QCheckBox* allowHttpCheck() const { return m_allowHttp; }
    QLineEdit* inferenceKeyEdit() const { return m_inferenceKey; }
    QLineEdit* managementKeyEdit() const { return m_managementKey; }
    QLineEdit* modelEdit() const { return m_model; }
    QPushButton* routingButton() const { return m_routingButton; }
    QLabel* routingSummary() const { return m_routingSummary; }
    QLineEdit* attributionTitleEdit() const { return m_attributionTitle; }
    QLineEdit* attributionSourceEdit() const { return m_attributionSource; }
    QLineEdit* attributionRefererEdit() const { return m_attributionReferer; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* saveAnywayButton() const { return m_saveAnyway; }
    QPushButton* sessionOnlyButton() const { return m_sessionOnly; }
    QLabel* statusLabel() const { return m_status; }

signals:
    void saved(const anyrouter::Workspace& ws, const QString& message);

public slots:
    void reject() override; // cancels a running validation first

private:
    void updateRoutingSummary();
    void buildUi();
    QToolButton* makeShowToggle(QLineEdit* edit, const QString& label);
    void loadKeys();
    std::optional<Workspace> collect(); // validates the form; nullopt (and a message) when invalid
    void startSave();
    void onValidated(const KeyCapabilities& caps);
    void commit(bool offline);
    void onSaved(const WorkspaceEditor::SaveResult& r);
    void setBusy(bool busy, const QString& message = {});
    void setStatus(const QString& text, bool warning);
    void updateKeyHints();

    WorkspaceEditor* m_editor;
    Workspace m_ws;
    bool m_isNew;
    bool m_readOnly;
    bool m_keysLoaded = false;
    QString m_loadedInference;
    QString m_loadedManagement;
    QString m_summary;
    QString m_resultMessage;
    Workspace m_pending;

    QWidget* m_form = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_url = nullptr;
    QCheckBox* m_allowHttp = nullptr;
    QLineEdit* m_inferenceKey = nullptr;
    QLabel* m_inferenceHint = nullptr;
    QLineEdit* m_managementKey = nullptr;
    QLabel* m_managementHint = nullptr;
    QLineEdit* m_model = nullptr;
    QLabel* m_routingSummary = nullptr;
    QPushButton* m_routingButton = nullptr;
    QLineEdit* m_attributionTitle = nullptr;
    QLineEdit* m_attributionSource = nullptr;
    QLineEdit* m_attributionReferer = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_saveAnyway = nullptr;
    QPushButton* m_sessionOnly = nullptr;
    QPushButton* m_cancel = nullptr;
};

} // namespace anyrouter
