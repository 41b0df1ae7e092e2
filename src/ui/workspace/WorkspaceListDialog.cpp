// WorkspaceListDialog: the workspace list with create/edit/duplicate/delete on top of WorkspaceEditor.
#include "ui/workspace/WorkspaceListDialog.h"

#include "core/workspace/WorkspaceEditor.h"
#include "core/workspace/WorkspaceManager.h"
#include "ui/workspace/WorkspaceDialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

WorkspaceListDialog::WorkspaceListDialog(WorkspaceEditor* editor, WorkspaceManager* manager, QWidget* parent)
    : QDialog(parent), m_editor(editor), m_manager(manager)
{
    setWindowTitle(tr("Workspaces"));
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_list = new QListWidget(this);
    m_list->setAccessibleName(tr("Workspaces"));
    row->addWidget(m_list, 1);
    auto* buttons = new QVBoxLayout;
    m_new = new QPushButton(tr("&New…"), this);
    m_edit = new QPushButton(tr("&Edit…"), this);
    m_duplicate = new QPushButton(tr("D&uplicate"), this);
    m_delete = new QPushButton(tr("&Delete…"), this);
    for (QPushButton* b : {m_new, m_edit, m_duplicate, m_delete})
        buttons->addWidget(b);
    buttons->addStretch(1);
    row->addLayout(buttons);
    layout->addLayout(row, 1);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Status"));
    layout->addWidget(m_status);
    auto* box = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(box);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_new, &QPushButton::clicked, this, [this] { openEditor(); });
    connect(m_edit, &QPushButton::clicked, this, [this] { openEditor(selectedId()); });
    connect(m_list, &QListWidget::itemActivated, this, [this] { openEditor(selectedId()); });
    connect(m_duplicate, &QPushButton::clicked, this, &WorkspaceListDialog::duplicateSelected);
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteSelected(true); });
    connect(m_list, &QListWidget::currentRowChanged, this, &WorkspaceListDialog::updateButtons);
    connect(m_manager, &WorkspaceManager::workspacesChanged, this, &WorkspaceListDialog::rebuild);
    rebuild();
    resize(560, 380);
}

QString WorkspaceListDialog::selectedId() const
{
    const auto* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void WorkspaceListDialog::selectId(const QString& id)
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(Qt::UserRole).toString() == id) {
            m_list->setCurrentRow(i);
            return;
        }
    }
}

void WorkspaceListDialog::rebuild()
{
    const QString keep = selectedId();
    m_list->clear();
    bool anyEphemeral = false;
    const QString current = m_manager->current().id;
    for (const Workspace& w : m_manager->workspaces()) {
        QString label = w.name + u"  —  "_s + w.baseUrl.host();
        if (w.kind == Workspace::Kind::Demo)
            label = tr("%1 (offline demo, read-only)").arg(w.name);
        else if (w.kind == Workspace::Kind::Environment)
            label = tr("%1 (from environment variables, read-only)").arg(w.name);
        if (w.id == current)
            label += tr("  [current]");
        auto* item = new QListWidgetItem(label, m_list);
        item->setData(Qt::UserRole, w.id);
        anyEphemeral = anyEphemeral || w.isEphemeral();
    }
    m_note->setText(anyEphemeral
                        ? tr("Read-only workspaces are not stored: the demo runs on this computer and "
                             "“Environment” comes from ANYROUTER_* variables.")
                        : QString());
    m_note->setVisible(anyEphemeral);
    if (!keep.isEmpty())
        selectId(keep);
    if (!m_list->currentItem() && m_list->count() > 0)
        m_list->setCurrentRow(0);
    updateButtons();
}

void WorkspaceListDialog::updateButtons()
{
    const auto ws = m_manager->find(selectedId());
    const bool stored = ws && !ws->isEphemeral();
    m_edit->setEnabled(ws.has_value());
    m_edit->setText(stored || !ws ? tr("&Edit…") : tr("&View…"));
    m_duplicate->setEnabled(stored);
    m_delete->setEnabled(stored);
}

void WorkspaceListDialog::setStatus(const QString& text)
{
    m_status->setText(text);
    emit statusChanged(text);
}

WorkspaceDialog* WorkspaceListDialog::openEditor(const QString& id)
{
    std::optional<Workspace> existing;
    if (!id.isEmpty()) {
        existing = m_manager->find(id);
        if (!existing)
            return nullptr;
    }
    auto* dlg = new WorkspaceDialog(m_editor, existing, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->setWindowModality(Qt::WindowModal);
    connect(dlg, &WorkspaceDialog::saved, this, [this](const Workspace& ws, const QString& message) {
        rebuild();
        selectId(ws.id);
        setStatus(message);
    });
    dlg->open();
    return dlg;
}

void WorkspaceListDialog::duplicateSelected()
{
    const auto ws = m_manager->find(selectedId());
    if (!ws || ws->isEphemeral())
        return;
    setStatus(tr("Copying “%1” and its keys…").arg(ws->name));
    m_duplicate->setEnabled(false);
    m_editor->duplicate(ws->id, {}, this, [this](const WorkspaceEditor::SaveResult& r) {
        if (r.outcome == WorkspaceEditor::Outcome::Ok) {
            selectId(r.workspace.id);
            setStatus(tr("Created “%1” with the same keys.").arg(r.workspace.name));
        } else {
            setStatus(r.message);
        }
        updateButtons();
    });
}

void WorkspaceListDialog::deleteSelected(bool confirm)
{
    const auto ws = m_manager->find(selectedId());
    if (!ws || ws->isEphemeral())
        return;
    if (confirm) {
        const auto answer = QMessageBox::question(
            this, tr("Delete Workspace"),
            tr("Delete the workspace “%1”?\n\nIts keys are removed from the system keychain. Its "
               "conversations and usage history are kept on this computer.")
                .arg(ws->name),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return;
    }
    setStatus(tr("Deleting “%1”…").arg(ws->name));
    m_delete->setEnabled(false);
    m_editor->remove(ws->id, this, [this](const WorkspaceEditor::SaveResult& r) {
        setStatus(r.message);
        updateButtons();
    });
}

} // namespace anyrouter
