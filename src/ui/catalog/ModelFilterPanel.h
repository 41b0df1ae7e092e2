// ModelFilterPanel: the Models page's filter column — search text (debounced), provider
// multi-select with its own search, max input/output price per 1M, minimum context, modality and
// capability checkboxes, free-only and changed-only — plus the "N of M models" count and "Clear".
// It edits a CatalogFilter and says when it changed; it knows nothing of the rows.
#pragma once

#include "core/catalog/CatalogFilter.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTimer;

namespace anyrouter {

class ModelFilterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ModelFilterPanel(QWidget* parent = nullptr);

    // The names offered as checkboxes. Names the current filter uses stay listed even when absent.
    // providerNames: slug -> display name ("openai" -> "OpenAI"); a slug without one shows as is.
    void setOptions(const QStringList& providers, const QStringList& modalities,
                    const QStringList& capabilities, const QHash<QString, QString>& providerNames = {});
    void setFilter(const CatalogFilter& filter); // no filterChanged
    CatalogFilter filter() const;
    void setCount(int shown, int total);
    void clear(); // emits filterChanged when something was set
    void setTextDebounceMs(int ms);

    QLineEdit* searchEdit() const { return m_search; }
    QLineEdit* providerSearch() const { return m_providerSearch; }
    QListWidget* providerList() const { return m_providers; }
    QLineEdit* maxInputEdit() const { return m_maxInput; }
    QLineEdit* maxOutputEdit() const { return m_maxOutput; }
    QSpinBox* minContextSpin() const { return m_minContext; }
    QListWidget* inputModalityList() const { return m_inputModalities; }
    QListWidget* outputModalityList() const { return m_outputModalities; }
    QListWidget* capabilityList() const { return m_capabilities; }
    QCheckBox* freeOnlyCheck() const { return m_freeOnly; }
    QCheckBox* changedOnlyCheck() const { return m_changedOnly; }
    QLabel* countLabel() const { return m_count; }
    QPushButton* clearButton() const { return m_clear; }

signals:
    void filterChanged(const anyrouter::CatalogFilter& filter);

private:
    void emitChanged();
    void filterProviderList(const QString& text);

    QLineEdit* m_search;
    QTimer* m_debounce;
    QLineEdit* m_providerSearch;
    QListWidget* m_providers;
    QLineEdit* m_maxInput;
    QLineEdit* m_maxOutput;
    QSpinBox* m_minContext;
    QListWidget* m_inputModalities;
    QListWidget* m_outputModalities;
    QListWidget* m_capabilities;
    QCheckBox* m_freeOnly;
    QCheckBox* m_changedOnly;
    QLabel* m_count;
    QPushButton* m_clear;
    bool m_updating = false;
};

} // namespace anyrouter
