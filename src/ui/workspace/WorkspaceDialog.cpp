// WorkspaceDialog: the create/edit form for one workspace on top of WorkspaceEditor.
#include "ui/workspace/WorkspaceDialog.h"

#include "core/api/ApiClient.h"
#include "ui/chat/RoutingDialog.h"
#include "ui/common/Format.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

WorkspaceDialog::WorkspaceDialog(WorkspaceEditor* editor, const std::optional<Workspace>& existing,
                                 QWidget* parent)
    : QDialog(parent), m_editor(editor), m_isNew(!existing), m_readOnly(existing && existing->isEphemeral())
{
    if (existing) {
        m_ws = *existing;
    } else {
        m_ws.id = WorkspaceEditor::newWorkspaceId();
        m_ws.baseUrl = Workspace::defaultBaseUrl();
    }
    setWindowTitle(m_isNew      ? tr("New Workspace")
                   : m_readOnly ? tr("Workspace “%1”").arg(m_ws.name)
                                : tr("Edit Workspace “%1”").arg(m_ws.name));
    buildUi();
    if (!m_isNew && !m_readOnly)
        loadKeys();
    else
        m_keysLoaded = true;
}

void WorkspaceDialog::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    if (m_readOnly) {
        auto* note = new QLabel(this);
        note->setWordWrap(true);
        note->setObjectName(u"readOnlyNote"_s);
        note->setText(m_ws.kind == Workspace::Kind::Demo
                          ? tr("This is the built-in offline demo. It talks to a simulator on this computer, "
                               "is never stored and cannot be edited. Create a new workspace for a real "
                               "gateway.")
                          : tr("This workspace comes from the ANYROUTER_API_KEY / ANYROUTER_BASE_URL / "
                               "ANYROUTER_MODEL environment variables. It is never stored; change the "
                               "variables to change it, or create a stored workspace."));
        layout->addWidget(note);
    }

    // The form is one widget so it can be locked while a check runs: what is saved is what was checked.
    m_form = new QWidget(this);
    auto* form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    m_name = new QLineEdit(m_ws.name, this);
    m_name->setPlaceholderText(tr("e.g. Personal, Work"));
    form->addRow(tr("&Name:"), m_name);

    m_url = new QLineEdit(m_ws.baseUrl.toString(), this);
    m_url->setPlaceholderText(Workspace::defaultBaseUrl().toString());
    m_url->setToolTip(
        tr("The gateway's OpenAI-compatible API base, e.g. %1").arg(Workspace::defaultBaseUrl().toString()));
    form->addRow(tr("Base &URL:"), m_url);
    m_allowHttp = new QCheckBox(tr("Allow unencrypted &HTTP for this host"), this);
    m_allowHttp->setChecked(m_ws.allowInsecureHttp);
    m_allowHttp->setToolTip(tr("Plain http:// sends your key in clear text. Only needed for a gateway on "
                               "another machine without TLS; this computer (localhost) is always allowed."));
    form->addRow(QString(), m_allowHttp);

    const auto keyRow = [this, form](const QString& label, QLineEdit*& edit, QLabel*& hint,
                                     const QString& ph) {
        edit = new QLineEdit(this);
        edit->setEchoMode(QLineEdit::Password);
        edit->setPlaceholderText(ph);
        edit->setAttribute(Qt::WA_InputMethodEnabled, false);
        auto* row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(makeShowToggle(edit, label));
        hint = new QLabel(this);
        hint->setTextInteractionFlags(Qt::NoTextInteraction); // never selectable: it is only a mask
        auto* col = new QVBoxLayout;
        col->setSpacing(2);
        col->addLayout(row);
        col->addWidget(hint);
        auto* lbl = new QLabel(label, this);
        lbl->setBuddy(edit);
        form->addRow(lbl, col);
        connect(edit, &QLineEdit::textChanged, this, &WorkspaceDialog::updateKeyHints);
    };
    keyRow(tr("&Inference key:"), m_inferenceKey, m_inferenceHint, tr("sk-ar-v1-…"));
    m_inferenceKey->setAccessibleName(tr("Inference key"));
    keyRow(tr("&Management key:"), m_managementKey, m_managementHint, tr("ak_… (optional)"));
    m_managementKey->setAccessibleName(tr("Management key"));

    m_model = new QLineEdit(m_ws.defaultModel, this);
    m_model->setPlaceholderText(QString::fromUtf16(Workspace::kDefaultModel));
    form->addRow(tr("Default &model:"), m_model);

    // Routing defaults: the same editor as a conversation's routing; a conversation's own wins.
    m_routingSummary = new QLabel(this);
    m_routingSummary->setWordWrap(true);
    m_routingButton = new QPushButton(tr("&Routing…"), this);
    m_routingButton->setToolTip(tr("Provider order, allowed and ignored providers, sort, fallbacks and price "
                                   "caps for chats in this workspace. A conversation's own routing wins."));
    connect(m_routingButton, &QPushButton::clicked, this, [this] {
        auto* dialog = new RoutingDialog(m_ws.routing, this);
        dialog->setWindowTitle(tr("Routing defaults for this workspace"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            m_ws.routing = dialog->prefs();
            updateRoutingSummary();
        });
        dialog->open();
    });
    auto* routingRow = new QHBoxLayout;
    routingRow->addWidget(m_routingSummary, 1);
    routingRow->addWidget(m_routingButton);
    form->addRow(tr("Routing defaults:"), routingRow);
    updateRoutingSummary();

    // Attribution: what the gateway's dashboard shows as the calling app; empty = this app's own.
    const Attribution defaults;
    const auto attributionRow = [this, form](const QString& label, const QString& value, const QString& ph) {
        auto* edit = new QLineEdit(value, this);
        edit->setPlaceholderText(ph);
        form->addRow(label, edit);
        return edit;
    };
    m_attributionTitle = attributionRow(tr("App &title:"), m_ws.attributionTitle, defaults.title);
    m_attributionTitle->setToolTip(
        tr("Sent as X-AnyRouter-Title: the app name in the gateway's usage pages."));
    m_attributionSource = attributionRow(tr("App so&urce:"), m_ws.attributionSource, defaults.source);
    m_attributionSource->setToolTip(tr("Sent as X-AnyRouter-Source, e.g. desktop, cli, web-app."));
    m_attributionReferer = attributionRow(tr("App &referer:"), m_ws.attributionReferer, defaults.referer);
    m_attributionReferer->setToolTip(tr("Sent as HTTP-Referer: a URL that identifies the app."));
    layout->addWidget(m_form);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy indicator: the gateway gives no progress figures
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(6);
    m_progress->hide();
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setObjectName(u"statusLabel"_s);
    m_status->setAccessibleName(tr("Status"));
    layout->addWidget(m_status);

    m_buttons = new QDialogButtonBox(this);
    if (m_readOnly) {
        m_cancel = m_buttons->addButton(QDialogButtonBox::Close);
        m_save = new QPushButton(this); // never shown; keeps accessors non-null
        m_save->hide();
        for (QWidget* w :
             {static_cast<QWidget*>(m_name), static_cast<QWidget*>(m_url), static_cast<QWidget*>(m_allowHttp),
              static_cast<QWidget*>(m_inferenceKey), static_cast<QWidget*>(m_managementKey),
              static_cast<QWidget*>(m_model), static_cast<QWidget*>(m_routingButton),
              static_cast<QWidget*>(m_attributionTitle), static_cast<QWidget*>(m_attributionSource),
              static_cast<QWidget*>(m_attributionReferer)})
            w->setEnabled(false);
    } else {
        m_save = m_buttons->addButton(tr("&Save"), QDialogButtonBox::AcceptRole);
        m_save->setDefault(true);
        m_cancel = m_buttons->addButton(QDialogButtonBox::Cancel);
    }
    m_saveAnyway = new QPushButton(tr("Save &Anyway"), this);
    m_saveAnyway->setToolTip(tr("Store the workspace although the gateway could not confirm the key."));
    m_sessionOnly = new QPushButton(tr("Use This Key for This &Session Only"), this);
    if (!m_readOnly) { // read-only: never in the box, so never shown
        m_buttons->addButton(m_saveAnyway, QDialogButtonBox::ActionRole);
        m_buttons->addButton(m_sessionOnly, QDialogButtonBox::ActionRole);
    }
    m_saveAnyway->hide();
    m_sessionOnly->hide();
    layout->addWidget(m_buttons);

    connect(m_save, &QPushButton::clicked, this, &WorkspaceDialog::startSave);
    // Both re-read the form: the name or model may have been changed since the check.
    connect(m_saveAnyway, &QPushButton::clicked, this, [this] {
        if (const auto w = collect()) {
            m_pending = *w;
            commit(true);
        }
    });
    connect(m_sessionOnly, &QPushButton::clicked, this, [this] {
        if (const auto w = collect()) {
            m_pending = *w;
            onSaved(m_editor->saveForSession(m_pending, m_inferenceKey->text().trimmed(),
                                             m_managementKey->text().trimmed()));
        }
    });
    connect(m_cancel, &QPushButton::clicked, this, &WorkspaceDialog::reject);
    // Any edit invalidates an earlier validation verdict.
    for (QLineEdit* e : {m_url, m_inferenceKey, m_managementKey})
        connect(e, &QLineEdit::textEdited, this, [this] {
            m_saveAnyway->hide();
            m_sessionOnly->hide();
        });
    updateKeyHints();
    setMinimumWidth(520);
}

QToolButton* WorkspaceDialog::makeShowToggle(QLineEdit* edit, const QString& label)
{
    auto* show = new QToolButton(this);
    show->setText(tr("Show"));
    show->setCheckable(true);
    show->setAccessibleName(tr("Show %1").arg(QString(label).remove(u'&').remove(u':')));
    connect(show, &QToolButton::toggled, edit, [edit, show](bool on) {
        edit->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
        show->setText(on ? tr("Hide") : tr("Show"));
    });
    if (m_readOnly)
        show->setEnabled(false);
    return show;
}

void WorkspaceDialog::updateKeyHints()
{
    const auto hintFor = [](const QString& key) {
        return key.trimmed().isEmpty() ? QString() : tr("Key: %1").arg(maskKey(key.trimmed()));
    };
    m_inferenceHint->setText(hintFor(m_inferenceKey->text()));
    m_managementHint->setText(hintFor(m_managementKey->text()));
    m_inferenceHint->setVisible(!m_inferenceHint->text().isEmpty());
    m_managementHint->setVisible(!m_managementHint->text().isEmpty());
}

void WorkspaceDialog::loadKeys()
{
    setBusy(true, tr("Reading the keys from the system keychain…"));
    m_editor->readKeys(
        m_ws.id, this,
        [this](SecretStore::Status st, const QString& inf, const QString& mgmt, const QString& err) {
            setBusy(false);
            if (st == SecretStore::Status::Ok || st == SecretStore::Status::NotFound) {
                m_keysLoaded = true;
                m_loadedInference = inf;
                m_loadedManagement = mgmt;
                m_inferenceKey->setText(inf);
                m_managementKey->setText(mgmt);
                setStatus(st == SecretStore::Status::NotFound
                              ? tr("No inference key is stored for this workspace yet.")
                              : QString(),
                          false);
            } else {
                // Empty fields then mean "keep what is stored", not "remove".
                m_inferenceKey->setPlaceholderText(tr("(unchanged — keychain not readable)"));
                m_managementKey->setPlaceholderText(tr("(unchanged — keychain not readable)"));
                setStatus(tr("The system keychain did not answer (%1). Leave the key fields "
                             "empty to keep the stored keys, or enter new ones.")
                              .arg(err.isEmpty() ? SecretStore::statusName(st) : err),
                          true);
            }
        });
}

bool WorkspaceDialog::isBusy() const
{
    return m_progress->isVisible() || m_editor->isValidating();
}

void WorkspaceDialog::setBusy(bool busy, const QString& message)
{
    m_progress->setVisible(busy);
    if (!m_readOnly)
        m_form->setEnabled(!busy);
    m_save->setEnabled(!busy);
    m_saveAnyway->setEnabled(!busy);
    m_sessionOnly->setEnabled(!busy);
    if (busy)
        setStatus(message, false);
}

void WorkspaceDialog::setStatus(const QString& text, bool warning)
{
    m_status->setText(text);
    m_status->setStyleSheet(warning ? u"color: palette(highlight); font-weight: bold;"_s : QString());
    m_status->setVisible(!text.isEmpty());
    // Grow to fit a long (wrapped) message instead of squeezing the form.
    if (QLayout* l = layout()) {
        l->activate();
        const int needed = l->hasHeightForWidth() ? l->totalHeightForWidth(width()) : l->sizeHint().height();
        if (needed > height())
            resize(width(), needed);
    }
}

void WorkspaceDialog::updateRoutingSummary()
{
    const RoutingPrefs& r = m_ws.routing;
    if (r.isEmpty()) {
        m_routingSummary->setText(tr("The gateway's defaults"));
        return;
    }
    QStringList parts;
    if (!r.sort.isEmpty())
        parts << tr("sort by %1").arg(r.sort);
    if (!r.order.isEmpty())
        parts << tr("order: %1").arg(r.order.join(u", "_s));
    if (!r.only.isEmpty())
        parts << tr("only: %1").arg(r.only.join(u", "_s));
    if (!r.ignore.isEmpty())
        parts << tr("ignore: %1").arg(r.ignore.join(u", "_s));
    if (r.allowFallbacks.has_value() && !*r.allowFallbacks)
        parts << tr("no fallbacks");
    if (r.maxPromptPricePerM)
        parts << tr("input ≤ %1/1M").arg(format::usd(*r.maxPromptPricePerM));
    if (r.maxCompletionPricePerM)
        parts << tr("output ≤ %1/1M").arg(format::usd(*r.maxCompletionPricePerM));
    if (!r.pinnedProvider.isEmpty())
        parts << tr("pinned to %1").arg(r.pinnedProvider);
    m_routingSummary->setText(parts.join(u" · "_s));
}

std::optional<Workspace> WorkspaceDialog::collect()
{
    Workspace w = m_ws;
    w.name = m_name->text().trimmed();
    if (w.name.isEmpty()) {
        setStatus(tr("Give the workspace a name."), true);
        m_name->setFocus();
        return std::nullopt;
    }
    const auto check = WorkspaceEditor::checkUrl(m_url->text(), m_allowHttp->isChecked());
    if (!check.ok) {
        setStatus(check.message, true);
        if (check.needsInsecureConsent)
            m_allowHttp->setFocus();
        else
            m_url->setFocus();
        return std::nullopt;
    }
    w.baseUrl = check.url;
    w.allowInsecureHttp = m_allowHttp->isChecked();
    w.defaultModel = m_model->text().trimmed();
    w.attributionTitle = m_attributionTitle->text().trimmed();
    w.attributionSource = m_attributionSource->text().trimmed();
    w.attributionReferer = m_attributionReferer->text().trimmed();
    const bool canKeepStored = !m_keysLoaded && !m_isNew;
    // The inference key is what chat needs; a management key alone cannot make a working workspace.
    if (m_inferenceKey->text().trimmed().isEmpty() && !canKeepStored) {
        setStatus(
            tr("Enter the API key (inference key, usually sk-ar-v1-…). The management key is optional."),
            true);
        m_inferenceKey->setFocus();
        return std::nullopt;
    }
    return w;
}

void WorkspaceDialog::startSave()
{
    m_saveAnyway->hide();
    m_sessionOnly->hide();
    const auto w = collect();
    if (!w)
        return;
    m_pending = *w;
    QString inf = m_inferenceKey->text().trimmed();
    QString mgmt = m_managementKey->text().trimmed();
    if (!m_keysLoaded) { // keychain unreadable: validate with what the user typed, if anything
        if (inf.isEmpty() && mgmt.isEmpty()) {
            commit(false);
            return;
        }
    }
    setBusy(true, tr("Checking the key with %1…").arg(m_pending.baseUrl.host()));
    m_editor->validate(m_pending.baseUrl, m_pending.allowInsecureHttp, inf, mgmt, this,
                       [this](const KeyCapabilities& caps) { onValidated(caps); });
}

void WorkspaceDialog::onValidated(const KeyCapabilities& caps)
{
    setBusy(false);
    m_summary = caps.summary();
    if (WorkspaceEditor::isUsable(caps)) {
        commit(false);
        return;
    }
    setStatus(tr("The gateway did not accept this setup: %1\nCheck the URL and the key. If you are offline "
                 "or the gateway is down, you can save anyway, but the workspace may not work.")
                  .arg(m_summary),
              true);
    m_saveAnyway->show();
    m_saveAnyway->setFocus();
}

void WorkspaceDialog::commit(bool offline)
{
    if (offline)
        m_summary = tr("The key was not confirmed by the gateway.");
    const auto change = [this](QLineEdit* e, const QString& loaded) -> WorkspaceEditor::KeyChange {
        const QString v = e->text().trimmed();
        if (!m_keysLoaded && v.isEmpty())
            return std::nullopt; // keychain unreadable: keep what is there
        if (m_keysLoaded && !m_isNew && v == loaded)
            return std::nullopt;
        return v;
    };
    const auto inf = change(m_inferenceKey, m_loadedInference);
    const auto mgmt = change(m_managementKey, m_loadedManagement);
    setBusy(true, tr("Storing the keys in the system keychain…"));
    m_editor->save(m_pending, inf, mgmt, this, [this](const WorkspaceEditor::SaveResult& r) { onSaved(r); });
}

void WorkspaceDialog::onSaved(const WorkspaceEditor::SaveResult& r)
{
    setBusy(false);
    switch (r.outcome) {
    case WorkspaceEditor::Outcome::Ok:
        m_ws = r.workspace;
        m_resultMessage = m_summary.isEmpty() ? r.message : r.message + u' ' + m_summary;
        emit saved(m_ws, m_resultMessage);
        accept();
        return;
    case WorkspaceEditor::Outcome::KeychainUnavailable:
        if (m_editor->canKeepForSession()) {
            setStatus(r.message +
                          tr("\nYou can keep the key in memory for this session only; it will be forgotten "
                             "when the app quits."),
                      true);
            m_sessionOnly->show();
            m_sessionOnly->setFocus();
        } else {
            setStatus(r.message, true);
        }
        return;
    case WorkspaceEditor::Outcome::Failed:
        setStatus(r.message, true);
        return;
    }
}

void WorkspaceDialog::reject()
{
    if (m_editor->isValidating()) {
        m_editor->cancelValidation();
        setBusy(false);
        setStatus(tr("Check cancelled. Nothing was saved."), false);
        return;
    }
    QDialog::reject();
}

} // namespace anyrouter
