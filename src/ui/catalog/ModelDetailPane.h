// ModelDetailPane: everything known about the selected model — description, each price the gateway
// gave with its unit spelled out, context and max output, supported parameters, routing/provider
// metadata from the raw entry — and the actions "Use in new chat", "Set as workspace default",
// "Copy id". The page decides what the actions do.
#pragma once

#include "core/catalog/CatalogEntry.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace anyrouter {

class ModelDetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit ModelDetailPane(QWidget* parent = nullptr);

    void setEntry(const std::optional<CatalogEntry>& entry); // nullopt: "Select a model"
    QString modelId() const;

    // The price lines shown, e.g. "$3.00 per 1M input tokens" (for the view and for tests).
    static QStringList priceLines(const ModelInfo& model);

    QTextBrowser* browser() const { return m_browser; }
    QPushButton* useButton() const { return m_use; }
    QPushButton* defaultButton() const { return m_default; }
    QPushButton* copyButton() const { return m_copy; }

signals:
    void useInNewChatRequested(const QString& modelId);
    void setAsDefaultRequested(const QString& modelId);
    void idCopied(const QString& modelId);

private:
    QString html(const CatalogEntry& e) const;

    std::optional<CatalogEntry> m_entry;
    QLabel* m_title;
    QTextBrowser* m_browser;
    QPushButton* m_use;
    QPushButton* m_default;
    QPushButton* m_copy;
};

} // namespace anyrouter
