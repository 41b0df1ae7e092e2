// KeyTableModel: display texts, tooltips and sort keys of the key rows.
#include "ui/account/KeyTableModel.h"

#include "ui/common/Format.h"

#include <QColor>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <limits>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// Dates only: the time of day a key was made or expires adds width, not information.
QString dateText(const QDateTime& dt, const QString& missing)
{
    if (!dt.isValid())
        return missing;
    return QLocale().toString(dt.toLocalTime().date(), QLocale::ShortFormat);
}

// Missing dates sort as the earliest possible moment, so "never used" groups at one end.
qint64 dateKey(const QDateTime& dt)
{
    return dt.isValid() ? dt.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
}

QString moneyText(const std::optional<double>& v)
{
    return v ? format::usd(*v) : QString();
}

} // namespace

KeyTableModel::KeyTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void KeyTableModel::setKeys(const QList<ApiKeyInfo>& keys)
{
    beginResetModel();
    m_keys = keys;
    endResetModel();
}

int KeyTableModel::rowOfHash(const QString& hash) const
{
    for (int i = 0; i < m_keys.size(); ++i) {
        if (m_keys.at(i).hash == hash)
            return i;
    }
    return -1;
}

void KeyTableModel::upsertKey(const ApiKeyInfo& key)
{
    const int row = rowOfHash(key.hash);
    if (row < 0) {
        const int at = int(m_keys.size());
        beginInsertRows({}, at, at);
        m_keys.append(key);
        endInsertRows();
        return;
    }
    m_keys[row] = key;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

bool KeyTableModel::removeKey(const QString& hash)
{
    const int row = rowOfHash(hash);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_keys.removeAt(row);
    endRemoveRows();
    return true;
}

void KeyTableModel::clear()
{
    if (m_keys.isEmpty())
        return;
    beginResetModel();
    m_keys.clear();
    endResetModel();
}

int KeyTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int KeyTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

KeyTableModel::Status KeyTableModel::statusOf(const ApiKeyInfo& key, const QDateTime& nowUtc)
{
    // Expired wins over disabled: enabling an expired key would not bring it back.
    if (key.expiresAt.isValid() && key.expiresAt <= nowUtc)
        return Status::Expired;
    return key.disabled ? Status::Disabled : Status::Active;
}

QString KeyTableModel::statusText(Status s)
{
    switch (s) {
    case Status::Active:
        return tr("Active");
    case Status::Disabled:
        return tr("Disabled");
    case Status::Expired:
        return tr("Expired");
    }
    return {};
}

QString KeyTableModel::lastUsedText(const QDateTime& lastUsed, const QDateTime& nowUtc)
{
    if (!lastUsed.isValid())
        return tr("Never");
    const qint64 secs = lastUsed.secsTo(nowUtc);
    if (secs < 60) // also a clock a little ahead of ours
        return tr("Just now");
    if (secs < 3600)
        return tr("%1 min ago").arg(secs / 60);
    if (secs < 86400)
        return tr("%1 h ago").arg(secs / 3600);
    const qint64 days = secs / 86400;
    if (days == 1)
        return tr("Yesterday");
    if (days < 31)
        return tr("%1 days ago").arg(days);
    return QLocale().toString(lastUsed.toLocalTime().date(), QLocale::ShortFormat);
}

QString KeyTableModel::resetText(const QString& limitReset)
{
    if (limitReset == u"daily"_s)
        return tr("daily");
    if (limitReset == u"weekly"_s)
        return tr("weekly");
    if (limitReset == u"monthly"_s)
        return tr("monthly");
    return limitReset; // an unknown period as the gateway spelled it
}

QString KeyTableModel::limitText(const ApiKeyInfo& key)
{
    if (!key.limit)
        return tr("No limit");
    if (key.limitReset.isEmpty())
        return format::usd(*key.limit);
    return tr("%1 %2").arg(format::usd(*key.limit), resetText(key.limitReset));
}

QVariant KeyTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ApiKeyInfo& k = m_keys.at(index.row());
    const Status status = statusOf(k, QDateTime::currentDateTimeUtc());

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameCol:
            return k.name;
        case KeyCol:
            return k.maskedKey.isEmpty() ? tr("—") : k.maskedKey;
        case StatusCol:
            return statusText(status);
        case CreatedCol:
            return dateText(k.createdAt, tr("—"));
        case LastUsedCol:
            return lastUsedText(k.lastUsedAt, QDateTime::currentDateTimeUtc());
        case ExpiresCol:
            return dateText(k.expiresAt, tr("Never"));
        case LimitCol:
            return limitText(k);
        case UsageCol:
            return k.usage ? format::usd(*k.usage) : tr("—");
        case RemainingCol:
            return moneyText(k.limitRemaining);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case NameCol:
            return k.name.toLower();
        case KeyCol:
            return k.maskedKey.toLower();
        case StatusCol:
            return int(status);
        case CreatedCol:
            return dateKey(k.createdAt);
        case LastUsedCol:
            return dateKey(k.lastUsedAt);
        case ExpiresCol:
            // "Never expires" is the latest possible expiry.
            return k.expiresAt.isValid() ? k.expiresAt.toMSecsSinceEpoch()
                                         : std::numeric_limits<qint64>::max();
        case LimitCol:
            return k.limit ? *k.limit : std::numeric_limits<double>::infinity();
        case UsageCol:
            return k.usage.value_or(-1.0);
        case RemainingCol:
            return k.limitRemaining ? *k.limitRemaining : std::numeric_limits<double>::infinity();
        }
        break;
    case HashRole:
        return k.hash;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case KeyCol:
            return tr("Only the start of the key is shown; the secret itself is never listed.");
        case StatusCol:
            if (status == Status::Expired)
                return tr("Expired on %1; requests with this key are refused.")
                    .arg(QLocale().toString(k.expiresAt.toLocalTime(), QLocale::LongFormat));
            if (status == Status::Disabled)
                return tr("Disabled: requests with this key are refused until it is enabled again.");
            return tr("Active: the key can be used.");
        case CreatedCol:
        case LastUsedCol:
        case ExpiresCol: {
            const QDateTime& dt = index.column() == CreatedCol
                                      ? k.createdAt
                                      : (index.column() == LastUsedCol ? k.lastUsedAt : k.expiresAt);
            return dt.isValid() ? QLocale().toString(dt.toLocalTime(), QLocale::LongFormat) : QVariant();
        }
        case LimitCol:
            return k.limit ? tr("The key stops working once it has spent this much%1.")
                                 .arg(k.limitReset.isEmpty()
                                          ? QString()
                                          : tr(" (the counter resets %1)").arg(resetText(k.limitReset)))
                           : tr("No spend limit: the key can use the whole account balance.");
        case RemainingCol:
            return k.limitRemaining ? tr("Left to spend before the limit is reached.") : QVariant();
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (status != Status::Active)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        break;
    case Qt::FontRole:
        if (index.column() == KeyCol) {
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == LimitCol || index.column() == UsageCol || index.column() == RemainingCol)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::AccessibleTextRole:
        if (index.column() == KeyCol)
            return tr("Key starting %1").arg(k.maskedKey);
        break;
    default:
        break;
    }
    return {};
}

QVariant KeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameCol:
            return tr("Name");
        case KeyCol:
            return tr("Key");
        case StatusCol:
            return tr("Status");
        case CreatedCol:
            return tr("Created");
        case LastUsedCol:
            return tr("Last used");
        case ExpiresCol:
            return tr("Expires");
        case LimitCol:
            return tr("Spend limit");
        case UsageCol:
            return tr("Usage");
        case RemainingCol:
            return tr("Remaining");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case UsageCol:
            return tr("USD spent with this key, as the gateway reports it");
        case RemainingCol:
            return tr("USD left before the spend limit (only for keys with a limit)");
        default:
            break;
        }
    }
    if (role == Qt::TextAlignmentRole &&
        (section == LimitCol || section == UsageCol || section == RemainingCol))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace anyrouter
