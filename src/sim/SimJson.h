// Hand-rolled JSON fragments for the hot streaming path: one SSE chunk per token is built by
// appending to a QByteArray, never through QJsonDocument, so the simulator can outpace clients.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>

namespace anyrouter::sim::json {

// Appends s as the inside of a JSON string (quotes not included). UTF-8 passes through as is.
void appendEscaped(QByteArray& out, QByteArrayView s);
QByteArray quoted(QByteArrayView s);
// A decimal without exponent or trailing zeros ("0.000198", "3", "0"); what JSON readers accept
// everywhere and what a human reading a raw dump expects.
QByteArray number(double v, int maxDecimals = 10);
QByteArray compact(const QJsonObject& o);

} // namespace anyrouter::sim::json
