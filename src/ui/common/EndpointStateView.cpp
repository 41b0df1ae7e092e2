// EndpointStateView: a wrapped sentence with its two optional buttons.
#include "ui/common/EndpointStateView.h"

#include "ui/common/Palette.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace anyrouter {

using namespace Qt::StringLiterals;

EndpointStateView::EndpointStateView(const QString& what, const QString& endpoint, QWidget* parent)
    : QWidget(parent), m_what(what), m_endpoint(endpoint), m_label(new QLabel(this)),
      m_settings(new QPushButton(tr("Workspace settings…"), this)),
      m_retry(new QPushButton(tr("Try again"), this))
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setTextFormat(Qt::PlainText); // error texts come from the server: never rich text
    m_label->setAccessibleName(tr("Status"));
    row->addWidget(m_label, 1);
    row->addWidget(m_settings);
    row->addWidget(m_retry);
    m_settings->hide();
    m_retry->hide();
    connect(m_settings, &QPushButton::clicked, this, &EndpointStateView::settingsRequested);
    connect(m_retry, &QPushButton::clicked, this, &EndpointStateView::retryRequested);
    hide();
}

void EndpointStateView::setMessage(EndpointStatus::State state, const QString& text)
{
    m_custom.insert(int(state), text);
    if (m_status.state == state)
        setStatus(m_status);
}

QString EndpointStateView::text() const
{
    return m_label->text();
}

void EndpointStateView::setStatus(const EndpointStatus& status)
{
    m_status = status;
    QString text = m_custom.value(int(status.state));
    if (text.isEmpty())
        text = status.message(m_what, m_endpoint);
    else if (text.contains(u"%1"_s))
        text = text.arg(status.error.userMessage());
    m_label->setText(text);
    const bool problem = status.isProblem();
    m_label->setStyleSheet(problem && status.state != EndpointStatus::State::Unsupported
                               ? palette::textCss(palette::Role::Error)
                               : palette::textCss(palette::Role::Muted));
    m_settings->setVisible(status.offersSettings());
    m_retry->setVisible(status.state == EndpointStatus::State::Offline ||
                        status.state == EndpointStatus::State::Failed);
    setVisible(!text.isEmpty());
}

} // namespace anyrouter
