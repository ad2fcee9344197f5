// The framework ceiling for bench/run: a minimal QHttpServer that checks the bearer token,
// parses the seed 000 JSON body, validates the fields Relaydesk requires and answers 202 with
// the same response shape, storing nothing. Whatever Relaydesk loses against this is the cost
// of its own layer plus durable storage.
//
// Usage: bench_qhttpserver PORT TOKEN

#include <QCoreApplication>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>
#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_qhttpserver PORT TOKEN\n");
        return 2;
    }
    const quint16 port = quint16(QByteArray(argv[1]).toUInt());
    const QByteArray expected = QByteArrayLiteral("Bearer ") + QByteArray(argv[2]);

    QHttpServer server;
    server.route(QStringLiteral("/message"), QHttpServerRequest::Method::Post,
                 [expected](const QHttpServerRequest &request) {
                     if (request.value("Authorization") != expected)
                         return QHttpServerResponse(QHttpServerResponder::StatusCode::Unauthorized);
                     QJsonParseError error;
                     const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &error);
                     if (error.error != QJsonParseError::NoError || !doc.isObject())
                         return QHttpServerResponse(QHttpServerResponder::StatusCode::BadRequest);
                     const QJsonObject body = doc.object();
                     if (!body.value(QLatin1String("user_id")).isString() ||
                         !body.value(QLatin1String("platform")).isString() ||
                         body.value(QLatin1String("content")).toString().isEmpty())
                         return QHttpServerResponse(
                             QHttpServerResponder::StatusCode::UnprocessableEntity);
                     const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
                     return QHttpServerResponse(
                         QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("conversation_id"), id},
                                     {QStringLiteral("status"), QStringLiteral("queued")}},
                         QHttpServerResponder::StatusCode::Accepted);
                 });
    if (server.listen(QHostAddress::LocalHost, port) == 0) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1:%u\n", unsigned(port));
        return 1;
    }
    std::fprintf(stderr, "listening on 127.0.0.1:%u\n", unsigned(port));
    return app.exec();
}
