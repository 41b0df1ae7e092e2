// SimExchange: how the simulator's routes answer — JSON with the rate-limit headers and any
// write-mode fault applied, error envelopes, request bodies, and the status faults.
#include "sim/SimExchange.h"

#include "sim/SimJson.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

QByteArray errorBody(const QString& message, QByteArrayView type, QByteArrayView code, const QString& param)
{
    QJsonObject e;
    e.insert(u"message"_s, message);
    e.insert(u"type"_s, QString::fromLatin1(type));
    e.insert(u"code"_s, QString::fromLatin1(code));
    e.insert(u"param"_s, param.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(param));
    return json::compact(QJsonObject{{u"error"_s, e}});
}

void SimExchange::json(int status, const QByteArray& body, const SimHeaders& extra)
{
    SimHeaders h = {{"Content-Type"_ba, "application/json"_ba}};
    h += headers;
    h += extra;
    sendWithFault(conn, status, h, body, fault);
}

void SimExchange::json(int status, const QJsonObject& o, const SimHeaders& extra)
{
    json(status, json::compact(o), extra);
}

void SimExchange::error(int status, const QString& message, QByteArrayView type, QByteArrayView code,
                        const QString& param, const SimHeaders& extra)
{
    json(status, errorBody(message, type, code, param), extra);
}

void SimExchange::oauthError(int status, const QString& code, const QString& description)
{
    json(status, QJsonObject{{u"error"_s, code}, {u"error_description"_s, description}});
}

std::optional<QJsonObject> SimExchange::bodyObject(bool required)
{
    const QByteArray& body = req->body;
    if (body.trimmed().isEmpty()) {
        if (required) {
            error(400, u"Request body must be a JSON object"_s, "invalid_request_error", "invalid_json");
            return std::nullopt;
        }
        return QJsonObject();
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        error(400, u"Request body is not valid JSON: "_s + pe.errorString(), "invalid_request_error",
              "invalid_json");
        return std::nullopt;
    }
    return doc.object();
}

void SimExchange::applyStatusFault()
{
    const SimFault f = fault;
    auto statusOr = [&](int def) { return f.status > 0 ? f.status : def; };
    SimHeaders extra;
    if (f.retryAfter >= 0 || f.name == u"429"_s)
        extra.append({"Retry-After"_ba, QByteArray::number(f.retryAfter >= 0 ? f.retryAfter : 1)});
    const SimFault none;
    const SimFault saved = fault;
    fault = none; // the status fault replaces the response; no write-mode misbehaviour on top
    if (saved.name == u"429"_s) {
        error(statusOr(429), u"Rate limit exceeded (simulated)"_s, "rate_limit_error", "rate_limited", {},
              extra);
    } else if (saved.name == u"500"_s) {
        error(statusOr(500), u"Internal server error (simulated)"_s, "internal_server_error",
              "internal_error", {}, extra);
    } else if (saved.name == u"502"_s) {
        error(statusOr(502), u"Upstream provider returned an error (simulated)"_s, "upstream_error",
              "upstream_error", {}, extra);
    } else if (saved.name == u"503"_s) {
        error(statusOr(503), u"No healthy upstream available (simulated)"_s, "service_unavailable",
              "service_unavailable", {}, extra);
    } else if (saved.name == u"402"_s) {
        error(statusOr(402), u"Insufficient credits: add credits to continue (simulated)"_s,
              "insufficient_credits", "insufficient_credits", {}, extra);
    } else if (saved.name == u"401"_s) {
        error(statusOr(401), u"Invalid API key"_s, "authentication_error", "invalid_api_key", {}, extra);
    } else if (saved.name == u"envelope-string"_s) {
        json(statusOr(500), QJsonObject{{u"error"_s, u"Upstream request failed (simulated)"_s}}, extra);
    } else if (saved.name == u"envelope-numeric"_s) {
        const int status = statusOr(429);
        QJsonObject e{{u"code"_s, status},
                      {u"message"_s, u"Provider returned error (simulated)"_s},
                      {u"metadata"_s,
                       QJsonObject{{u"provider_name"_s, u"Together"_s}, {u"raw"_s, u"upstream said no"_s}}}};
        json(status, QJsonObject{{u"error"_s, e}}, extra);
    } else if (saved.name == u"envelope-oauth"_s) {
        json(statusOr(400),
             QJsonObject{{u"error"_s, u"invalid_grant"_s},
                         {u"error_description"_s, u"Code expired (simulated)"_s}},
             extra);
    } else if (saved.name == u"html-502"_s) {
        SimHeaders h = {{"Content-Type"_ba, "text/html"_ba}};
        h += headers;
        h += extra;
        conn->sendResponse(
            statusOr(502), h,
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 "
            "Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"_ba);
    }
}

} // namespace anyrouter::sim
