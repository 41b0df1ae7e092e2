// ModelTableModel: catalog entries as rows; display text, sort keys and change marks.
#include "ui/catalog/ModelTableModel.h"

#include "ui/common/Palette.h"

#include "ui/common/Format.h"

#include <QColor>
#include <QHash>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <numeric>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// A small filled dot: drawn, not loaded, so it needs no resource and follows the row height.
QIcon dotIcon(const QColor& color)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawEllipse(QRectF(2, 2, 8, 8));
    p.end();
    return QIcon(pm);
}

QVariant optionalNumber(const std::optional<double>& v)
{
    return v ? QVariant(*v) : QVariant();
}

} // namespace

ModelTableModel::ModelTableModel(QObject* parent)
    : QAbstractTableModel(parent), m_newIcon(dotIcon(palette::color(palette::Role::NewMark))),
      m_priceIcon(dotIcon(palette::color(palette::Role::PriceMark)))
{}

void ModelTableModel::setEntries(const QList<CatalogEntry>& entries)
{
    beginResetModel();
    m_entries = entries;
    m_nameKeys.clear();
    m_idKeys.clear();
    m_providerKeys.clear();
    m_nameKeys.reserve(entries.size());
    m_idKeys.reserve(entries.size());
    m_providerKeys.reserve(entries.size());
    for (const CatalogEntry& e : entries) {
        m_nameKeys << sortValue(e, NameCol).toString();
        m_idKeys << e.model.id.toLower();
        m_providerKeys << sortValue(e, ProviderCol).toString();
    }
    if (m_sortColumn >= 0)
        applyPermutation(sortedPermutation());
    endResetModel();
}

int ModelTableModel::rowOf(const QString& id) const
{
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).model.id == id)
            return i;
    }
    return -1;
}

const QString& ModelTableModel::textKey(int row, int column) const
{
    if (column == IdCol)
        return m_idKeys.at(row);
    return column == ProviderCol ? m_providerKeys.at(row) : m_nameKeys.at(row);
}

QList<int> ModelTableModel::sortedPermutation() const
{
    QList<int> order(m_entries.size());
    std::iota(order.begin(), order.end(), 0);
    const int column = m_sortColumn;
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    const bool text = column == NameCol || column == IdCol || column == ProviderCol;
    // Numeric keys once per sort, not per comparison (no QVariant in the comparator).
    QList<std::optional<double>> numbers;
    QList<QString> lists;
    if (!text) {
        numbers.reserve(m_entries.size());
        for (const CatalogEntry& e : m_entries) {
            const QVariant v = sortValue(e, column);
            if (!v.isValid())
                numbers << std::nullopt;
            else if (v.typeId() == QMetaType::QString)
                numbers << 0.0; // list columns: compared as text below
            else
                numbers << v.toDouble();
            lists << (v.typeId() == QMetaType::QString ? v.toString().toLower() : QString());
        }
    }
    std::stable_sort(order.begin(), order.end(), [&](int l, int r) {
        int c = 0;
        if (text) {
            const QString& a = textKey(l, column);
            const QString& b = textKey(r, column);
            c = a < b ? -1 : (b < a ? 1 : 0);
        } else {
            const auto& a = numbers.at(l);
            const auto& b = numbers.at(r);
            if (a.has_value() != b.has_value())
                return a.has_value(); // unknown last, whatever the order
            if (a && *a != *b)
                c = *a < *b ? -1 : 1;
            else if (lists.at(l) != lists.at(r))
                c = lists.at(l) < lists.at(r) ? -1 : 1;
        }
        if (c == 0)
            c = m_idKeys.at(l) < m_idKeys.at(r) ? -1 : (m_idKeys.at(r) < m_idKeys.at(l) ? 1 : 0);
        return ascending ? c < 0 : c > 0;
    });
    return order;
}

void ModelTableModel::applyPermutation(const QList<int>& order)
{
    QList<CatalogEntry> entries;
    QList<QString> names, ids, providers;
    entries.reserve(order.size());
    names.reserve(order.size());
    ids.reserve(order.size());
    providers.reserve(order.size());
    for (const int i : order) {
        entries << m_entries.at(i);
        names << m_nameKeys.at(i);
        ids << m_idKeys.at(i);
        providers << m_providerKeys.at(i);
    }
    m_entries = std::move(entries);
    m_nameKeys = std::move(names);
    m_idKeys = std::move(ids);
    m_providerKeys = std::move(providers);
}

void ModelTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    m_sortColumn = column;
    m_sortOrder = order;
    const QList<int> permutation = sortedPermutation();
    QList<int> newRowOf(permutation.size());
    for (int newRow = 0; newRow < permutation.size(); ++newRow)
        newRowOf[permutation.at(newRow)] = newRow;
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex& i : from)
        to << index(newRowOf.at(i.row()), i.column());
    applyPermutation(permutation);
    changePersistentIndexList(from, to);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

int ModelTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ModelTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelTableModel::sortValue(const CatalogEntry& e, int column)
{
    const ModelInfo& m = e.model;
    switch (column) {
    case NameCol:
        return (m.name.isEmpty() ? m.id : m.name).toLower();
    case IdCol:
        return m.id.toLower();
    case ProviderCol:
        return (m.provider.isEmpty() ? m.providerSlug() : m.provider).toLower();
    case ContextCol:
        return m.contextLength > 0 ? QVariant(m.contextLength) : QVariant();
    case InputCol:
        return optionalNumber(m.pricing.inputPerM);
    case OutputCol:
        return optionalNumber(m.pricing.outputPerM);
    case CacheReadCol:
        return optionalNumber(m.pricing.cacheReadPerM);
    case InputModalitiesCol:
        return m.inputModalities.isEmpty() ? QVariant() : QVariant(m.inputModalities.join(u", "_s));
    case OutputModalitiesCol:
        return m.outputModalities.isEmpty() ? QVariant() : QVariant(m.outputModalities.join(u", "_s));
    case CapabilitiesCol:
        return m.capabilities.isEmpty() ? QVariant() : QVariant(m.capabilities.join(u", "_s));
    case CreatedCol:
        return m.created.isValid() ? QVariant(m.created.toSecsSinceEpoch()) : QVariant();
    default:
        return {};
    }
}

QString ModelTableModel::markText(const CatalogEntry& e)
{
    if (e.isNew)
        return tr("New since the previous refresh");
    if (!e.priceChanged)
        return {};
    QStringList parts;
    if (e.previousInputPerM != e.model.pricing.inputPerM)
        parts << tr("input %1 → %2 per 1M")
                     .arg(format::pricePerM(e.previousInputPerM),
                          format::pricePerM(e.model.pricing.inputPerM));
    if (e.previousOutputPerM != e.model.pricing.outputPerM)
        parts << tr("output %1 → %2 per 1M")
                     .arg(format::pricePerM(e.previousOutputPerM),
                          format::pricePerM(e.model.pricing.outputPerM));
    if (parts.isEmpty())
        return tr("Price changed since the previous refresh");
    return tr("Price changed since the previous refresh: %1").arg(parts.join(u"; "_s));
}

QVariant ModelTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CatalogEntry& e = m_entries.at(index.row());
    const ModelInfo& m = e.model;
    const int col = index.column();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (col) {
        case NameCol: {
            const QString name = m.name.isEmpty() ? m.id : m.name;
            if (role == Qt::AccessibleTextRole && (e.isNew || e.priceChanged))
                return QString(name + u" ("_s + (e.isNew ? tr("new") : tr("price changed")) + u')');
            return name;
        }
        case IdCol:
            return m.id;
        case ProviderCol:
            return m.provider.isEmpty() ? m.providerSlug() : m.provider;
        case ContextCol:
            return format::tokens(m.contextLength);
        case InputCol:
            return format::pricePerM(m.pricing.inputPerM);
        case OutputCol:
            return format::pricePerM(m.pricing.outputPerM);
        case CacheReadCol:
            return m.pricing.cacheReadPerM ? format::pricePerM(m.pricing.cacheReadPerM) : QString();
        case InputModalitiesCol:
            return m.inputModalities.join(u", "_s);
        case OutputModalitiesCol:
            return m.outputModalities.join(u", "_s);
        case CapabilitiesCol:
            return m.capabilities.join(u", "_s);
        case CreatedCol:
            return m.created.isValid()
                       ? QLocale().toString(m.created.toLocalTime().date(), QLocale::ShortFormat)
                       : QString();
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (col == NameCol && e.isNew)
            return m_newIcon;
        if (col == NameCol && e.priceChanged)
            return m_priceIcon;
        return {};
    case Qt::ToolTipRole:
        if (col == NameCol || ((col == InputCol || col == OutputCol) && e.priceChanged)) {
            const QString mark = markText(e);
            return col == NameCol ? (mark.isEmpty() ? m.id : m.id + u'\n' + mark) : mark;
        }
        if (col == CapabilitiesCol || col == InputModalitiesCol || col == OutputModalitiesCol)
            return data(index, Qt::DisplayRole);
        return {};
    case Qt::TextAlignmentRole:
        if (col == ContextCol || col == InputCol || col == OutputCol || col == CacheReadCol)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case SortRole:
        return sortValue(e, col);
    case IdRole:
        return m.id;
    case MarkRole:
        return e.isNew ? u"new"_s : (e.priceChanged ? u"price"_s : QString());
    default:
        return {};
    }
}

QVariant ModelTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameCol:
            return tr("Name");
        case IdCol:
            return tr("Id");
        case ProviderCol:
            return tr("Provider");
        case ContextCol:
            return tr("Context");
        case InputCol:
            return tr("Input $/1M");
        case OutputCol:
            return tr("Output $/1M");
        case CacheReadCol:
            return tr("Cache read $/1M");
        case InputModalitiesCol:
            return tr("Input");
        case OutputModalitiesCol:
            return tr("Output");
        case CapabilitiesCol:
            return tr("Capabilities");
        case CreatedCol:
            return tr("Created");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case InputCol:
            return tr("USD per 1M input tokens");
        case OutputCol:
            return tr("USD per 1M output tokens");
        case CacheReadCol:
            return tr("USD per 1M cached input tokens, when the gateway lists it");
        case InputModalitiesCol:
            return tr("Input modalities");
        case OutputModalitiesCol:
            return tr("Output modalities");
        case ContextCol:
            return tr("Context length in tokens");
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace anyrouter
