// SimRoutes: the simulator's route handlers, one file per area, mirroring the client's services:
// health (SimHealthRoutes.cpp), device login (SimDeviceRoutes.cpp), chat (SimChatRoutes.cpp),
// catalog (SimCatalogRoutes.cpp), account — credits and keys — (SimAccountRoutes.cpp) and usage —
// generation and activity — (SimUsageRoutes.cpp). SimRouter::api() maps requests to them.
#pragma once

#include "sim/SimServerPrivate.h"

namespace anyrouter::sim {

struct SimExchange;
class SimCatalog;
class SimHttpConnection;

namespace routes {

void health(SimExchange& ex);

void deviceStart(SimExchange& ex);
void deviceToken(SimExchange& ex);
// GET /cli/device[?code=…[&action=deny]]: the HTML page a user approves a device login on.
void devicePage(SimServer* server, SimServer::Private* d, SimHttpConnection* conn);

void chatCompletions(SimExchange& ex);

void models(SimExchange& ex);
void modelsCount(SimExchange& ex);
void modelDetail(SimExchange& ex);
// Builds the unfiltered /models body for the current shapes unless it is cached already.
void warmModelsCache(SimServer::Private* d, const SimCatalog& catalog);

void credits(SimExchange& ex);
void keysList(SimExchange& ex);
void keysCreate(SimExchange& ex);
void keyGet(SimExchange& ex);
void keyPatch(SimExchange& ex);
void keyDelete(SimExchange& ex);
void keyReveal(SimExchange& ex);

void generation(SimExchange& ex);
void activity(SimExchange& ex);

} // namespace routes
} // namespace anyrouter::sim
