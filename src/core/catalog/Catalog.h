// Catalog: convenience header for the whole catalog core (entries, filter, repository, re-pricing,
// presets).
#pragma once

#include "CatalogEntry.h"
#include "CatalogFilter.h"
#include "CatalogRepository.h"
#include "Preset.h"
#include "Reprice.h"
