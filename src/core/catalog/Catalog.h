// Catalog: convenience header for the whole catalog core (entries, filter, repository, re-pricing,
// presets).
#pragma once

#include "core/catalog/CatalogEntry.h"
#include "core/catalog/CatalogFilter.h"
#include "core/catalog/CatalogRepository.h"
#include "core/catalog/Preset.h"
#include "core/catalog/Reprice.h"
