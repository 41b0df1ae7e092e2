// WorkspaceListDialog: all workspaces (stored ones plus the read-only Demo/Environment ones) with
// New, Edit, Duplicate and Delete. Delete asks first and says that conversations are kept.
#pragma once

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace anyrouter {

class WorkspaceDialog;
class WorkspaceEditor;
class WorkspaceManager;

class WorkspaceListDialog : public QDialog
{
    Q_OBJECT
public:
    WorkspaceListDialog(WorkspaceEditor* editor, WorkspaceManager* manager, QWidget* parent = nullptr);

    QListWidget* list() const { return m_list; }
    QLabel* statusLabel() const { return m_status; }
    QPushButton* newButton() const { return m_new; }
    QPushButton* editButton() const { return m_edit; }
    QPushButton* duplicateButton() const { return m_duplicate; }
    QPushButton* deleteButton() const { return m_delete; }
    QString selectedId() const;
    void selectId(const QString& id);

    // Opens the editor (non-modal child) for a new workspace or the given one; returns it so tests
    // can drive it. The list refreshes when it saves.
    WorkspaceDialog* openEditor(const QString& id = {});
    // Asks for confirmation unless `confirm` is false (tests).
    void duplicateSelected();
    void deleteSelected(bool confirm = true);

signals:
    void statusChanged(const QString& message);

private:
    void rebuild();
    void updateButtons();
    void setStatus(const QString& text);

    WorkspaceEditor* m_editor;
    WorkspaceManager* m_manager;
    QListWidget* m_list;
    QLabel* m_note;
    QLabel* m_status;
    QPushButton* m_new;
    QPushButton* m_edit;
    QPushButton* m_duplicate;
    QPushButton* m_delete;
};

} // namespace anyrouter
