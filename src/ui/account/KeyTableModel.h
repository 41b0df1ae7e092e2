// KeyTableModel: the workspace's API keys (GET /keys rows) as table rows for the Keys panel. Holds
// only what the list endpoint returns (masked prefixes, never a secret). Every column exposes a
// SortRole value that is always valid, so a plain QSortFilterProxyModel sorts numbers and dates
// numerically and "no limit" / "never used" land at a stable end.
#pragma once

#include "core/domain/Account.h"

#include <QAbstractTableModel>
#include <QList>

namespace anyrouter {

class KeyTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameCol,
        KeyCol,
        StatusCol,
        CreatedCol,
        LastUsedCol,
        ExpiresCol,
        LimitCol,
        UsageCol,
        RemainingCol,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1, // lower-case text, number or msecs since epoch
        HashRole,                    // the key's id, on every column
    };
    enum class Status
    {
        Active,
        Disabled,
        Expired
    };

    explicit KeyTableModel(QObject* parent = nullptr);

    void setKeys(const QList<ApiKeyInfo>& keys);
    const QList<ApiKeyInfo>& keys() const { return m_keys; }
    const ApiKeyInfo& keyAt(int row) const { return m_keys.at(row); }
    int rowOfHash(const QString& hash) const; // -1 when absent
    // In-place edits from a server answer: one row changes, the view keeps its scroll and selection.
    void upsertKey(const ApiKeyInfo& key);
    bool removeKey(const QString& hash);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static Status statusOf(const ApiKeyInfo& key, const QDateTime& nowUtc);
    static QString statusText(Status s);
    static QString limitText(const ApiKeyInfo& key); // "$10.00 monthly", "$5.00", "No limit"
    static QString resetText(const QString& limitReset);
    // "Just now", "5 min ago", "3 h ago", "Yesterday", "12 days ago", then the date; "Never".
    static QString lastUsedText(const QDateTime& lastUsed, const QDateTime& nowUtc);

private:
    QList<ApiKeyInfo> m_keys;
};

} // namespace anyrouter
