// EndpointStateView: the one widget that tells the user why a panel has no data — a sentence from
// EndpointStatus (or the panel's own wording for a state), a "Workspace settings…" button where
// the settings can fix it, and "Try again" after a failure. Hidden while the endpoint is ready.
#pragma once

#include "core/api/EndpointState.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QPushButton;

namespace anyrouter {

class EndpointStateView : public QWidget
{
    Q_OBJECT
public:
    // `what` and `endpoint` as for EndpointStatus::message ("the credit balance", "/credits").
    EndpointStateView(const QString& what, const QString& endpoint, QWidget* parent = nullptr);

    // The panel's own sentence for one state (e.g. a friendlier Unsupported line).
    void setMessage(EndpointStatus::State state, const QString& text);
    // Shows `status`; visible unless it is Ready (or Idle with nothing to say).
    void setStatus(const EndpointStatus& status);
    EndpointStatus status() const { return m_status; }
    QString text() const;
    QPushButton* settingsButton() const { return m_settings; }
    QPushButton* retryButton() const { return m_retry; }

signals:
    void settingsRequested();
    void retryRequested();

private:
    QString m_what;
    QString m_endpoint;
    QHash<int, QString> m_custom;
    EndpointStatus m_status;
    QLabel* m_label;
    QPushButton* m_settings;
    QPushButton* m_retry;
};

} // namespace anyrouter
