// Preset: "@preset/<name>" model ids, which the gateway may list and users may type as a chat model.
#pragma once

#include <QString>

namespace anyrouter {

// Presets: "@preset/<name>" model ids (the gateway may list them; users may type them).
bool isPresetId(const QString& id);
QString normalisePresetId(const QString& id); // "@presets/x" -> "@preset/x"; other ids unchanged (trimmed)

} // namespace anyrouter
