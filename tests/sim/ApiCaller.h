// ApiCaller: QNetworkAccessManager-based calls against the simulator for tests, waiting with
// QSignalSpy so the in-process server keeps serving in the same thread.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QString>
#include <QUrl>

namespace anyrouter::test {

struct ApiResult
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool finished = false;

    QByteArray header(QByteArrayView name) const;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QJsonObject object() const { return json().object(); }
};

class ApiCaller
{
public:
    ApiCaller(QUrl baseUrl, QString key);
    void setKey(const QString& key) { m_key = key; }

    ApiResult call(const QByteArray& method, const QString& path, const QByteArray& body = {},
                   const QList<QPair<QByteArray, QByteArray>>& headers = {}, int timeoutMs = 30000);
    ApiResult get(const QString& path, const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        return call("GET", path, {}, headers);
    }
    ApiResult post(const QString& path, const QJsonObject& body,
                   const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        return call("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
    }

    QNetworkAccessManager& manager() { return m_nam; }

private:
    QNetworkAccessManager m_nam;
    QUrl m_base;
    QString m_key;
};

// {"model": model, "messages": [{"role":"user","content": prompt}], "stream": stream}
QJsonObject chatBody(const QString& model, const QString& prompt, bool stream = false);

} // namespace anyrouter::test
