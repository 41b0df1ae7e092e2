// CatalogEntry: one model of the catalog as the Models page shows it, with its change marks.
#pragma once

#include "core/domain/ModelInfo.h"

#include <QByteArray>
#include <QDateTime>

#include <optional>

namespace anyrouter {

// One catalog entry as the page shows it: the model plus what changed since the previous refresh.
struct CatalogEntry
{
    ModelInfo model;
    QDateTime firstSeenAt;
    bool isNew = false;        // appeared in the latest refresh (not in the one before)
    bool priceChanged = false; // input/output/cache price differs from the previous refresh
    std::optional<double> previousInputPerM, previousOutputPerM;
    // Lower-cased id, name, provider and description as UTF-8, filled by CatalogRepository so the
    // text filter scans one byte string case-sensitively (a substring of UTF-8 text is found
    // byte-wise; several times faster than a case-insensitive UTF-16 scan of four fields). Empty:
    // CatalogFilter scans the fields.
    QByteArray searchText;
    void updateSearchText()
    {
        searchText = QString(model.id + QLatin1Char('\n') + model.name + QLatin1Char('\n') + model.provider +
                             QLatin1Char('\n') + model.description)
                         .toLower()
                         .toUtf8();
    }
};

} // namespace anyrouter
