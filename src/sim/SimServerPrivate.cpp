// SimServerPrivate: the request log and the small helpers the route files share.
#include "sim/SimServerPrivate.h"

#include <QCryptographicHash>
#include <QMutexLocker>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

void SimServer::Private::recordRequest(const QString& method, const QString& path)
{
    const QString entry = method + u' ' + path;
    const QMutexLocker lock(&logMutex);
    ++logCounts[entry];
    if (config.requestLogLimit <= 0)
        return;
    log.append(entry);
    while (log.size() > config.requestLogLimit)
        log.removeFirst();
}

KeyRecord* SimServer::Private::keyByHash(const QString& hash)
{
    for (KeyRecord& k : keys) {
        if (k.hash == hash)
            return &k;
    }
    return nullptr;
}

QString isoUtc(const QDateTime& dt)
{
    return dt.toUTC().toString(Qt::ISODate);
}

QJsonValue isoOrNull(const QDateTime& dt)
{
    return dt.isValid() ? QJsonValue(isoUtc(dt)) : QJsonValue(QJsonValue::Null);
}

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(raw.toHex());
}

QString hashOfSecret(const QString& secret)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}

} // namespace anyrouter::sim
