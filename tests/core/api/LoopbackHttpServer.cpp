#include "LoopbackHttpServer.h"

#include <QTcpSocket>

namespace anyrouter::test {

using namespace Qt::StringLiterals;

LoopbackHttpServer::LoopbackHttpServer(QObject* parent) : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = m_server.nextPendingConnection())
            serve(s);
    });
}

bool LoopbackHttpServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl LoopbackHttpServer::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(port()));
}

void LoopbackHttpServer::setResponse(int status, const QByteArray& contentType, const QByteArray& body,
                                     const QList<QPair<QByteArray, QByteArray>>& extraHeaders)
{
    QByteArray r = "HTTP/1.1 " + QByteArray::number(status) + " Test\r\n";
    if (!contentType.isEmpty())
        r += "Content-Type: " + contentType + "\r\n";
    for (const auto& [name, value] : extraHeaders)
        r += name + ": " + value + "\r\n";
    r += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    m_response = r;
}

void LoopbackHttpServer::serve(QTcpSocket* socket)
{
    socket->setParent(this);
    ++m_connections;
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
        if (m_mode == Mode::RespondAtOnce) {
            socket->readAll();
            socket->write(m_response);
            socket->disconnectFromHost();
            return;
        }
        QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                break;
            qsizetype length = 0;
            for (const QByteArray& line : buffer.left(end).split('\n')) {
                const QByteArray l = line.trimmed();
                if (l.toLower().startsWith("content-length:"))
                    length = l.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < end + 4 + length)
                break; // the body is still coming
            m_requestLines.append(buffer.left(buffer.indexOf("\r\n")));
            buffer.remove(0, end + 4 + length);
            emit requestRead();
            if (m_mode == Mode::CloseAfterRequest) {
                socket->disconnectFromHost();
                return;
            }
            socket->write(m_response);
            socket->disconnectFromHost();
            return;
        }
        socket->setProperty("buffer", buffer);
    });
}

} // namespace anyrouter::test
