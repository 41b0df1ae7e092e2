// RoutingPrefs: the per-request `provider` routing object plus the optional upstream pin header.
#pragma once

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace anyrouter {

struct RoutingPrefs
{
    QStringList order;
    QStringList only;
    QStringList ignore;
    QString sort;                       // "price" | "throughput" | "latency" | empty
    std::optional<bool> allowFallbacks; // unset -> gateway default (true)
    std::optional<double> maxPromptPricePerM;
    std::optional<double> maxCompletionPricePerM;
    QString pinnedProvider; // sent as X-AnyRouter-Provider, not in the body

    bool isEmpty() const;
    QJsonObject toProviderObject() const; // the `provider` body object (without the pin)
    QJsonObject toJson() const;           // for storage, includes the pin
    static RoutingPrefs fromJson(const QJsonObject& o);
};

} // namespace anyrouter
