// QNetworkAccessManager helper for simulator tests.
#include "ApiCaller.h"

#include <QJsonArray>
#include <QNetworkRequest>
#include <QSignalSpy>

using namespace Qt::StringLiterals;

namespace anyrouter::test {

QByteArray ApiResult::header(QByteArrayView name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

ApiCaller::ApiCaller(QUrl baseUrl, QString key) : m_base(std::move(baseUrl)), m_key(std::move(key)) {}

ApiResult ApiCaller::call(const QByteArray& method, const QString& path, const QByteArray& body,
                          const QList<QPair<QByteArray, QByteArray>>& headers, int timeoutMs)
{
    // Paths are appended verbatim (already percent-encoded where it matters, e.g. %2F in ids).
    QUrl url(QString(m_base.toString() + path), QUrl::StrictMode);
    QNetworkRequest req(url);
    if (!m_key.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_key.toUtf8());
    if (!body.isEmpty() || method == "POST" || method == "PATCH")
        req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    for (const auto& h : headers)
        req.setRawHeader(h.first, h.second);
    QNetworkReply* reply = m_nam.sendCustomRequest(req, method, body);
    ApiResult r;
    QSignalSpy spy(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        spy.wait(timeoutMs);
    r.finished = reply->isFinished();
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    if (!r.finished)
        reply->abort();
    reply->deleteLater();
    return r;
}

QJsonObject chatBody(const QString& model, const QString& prompt, bool stream)
{
    return QJsonObject{
        {u"model"_s, model},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, prompt}}}},
        {u"stream"_s, stream}};
}

} // namespace anyrouter::test
