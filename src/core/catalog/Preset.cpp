// Preset: recognising and normalising "@preset/<name>" model ids.
#include "core/catalog/Preset.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {
// People (and some gateway pages) write the plural; the API takes "@preset/".
constexpr QLatin1String kPrefixes[] = {QLatin1String("@preset/"), QLatin1String("@presets/")};
} // namespace

bool isPresetId(const QString& id)
{
    const QString t = id.trimmed();
    for (const QLatin1String prefix : kPrefixes) {
        if (t.startsWith(prefix, Qt::CaseInsensitive) && t.size() > prefix.size())
            return true;
    }
    return false;
}

QString normalisePresetId(const QString& id)
{
    const QString t = id.trimmed();
    for (const QLatin1String prefix : kPrefixes) {
        if (t.startsWith(prefix, Qt::CaseInsensitive) && t.size() > prefix.size())
            return u"@preset/"_s + t.mid(prefix.size());
    }
    return t;
}

} // namespace anyrouter
