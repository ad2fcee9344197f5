#pragma once

#include "server/httpserver.h"
#include "storage/idempotencystore.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace relaydesk {

class Engine;

// Idempotency-Key for POST requests (IETF httpapi idempotency-key-header draft), installed as
// the HttpServer's interceptor:
// - the first request with a key runs normally; its answer is stored in idempotency_keys after
//   the handler answered (handlers answer after their write committed) and before the client
//   sees it, so an answered request is always replayable;
// - a retry with the same key and the same request (SHA-256 of method, path and body, per API
//   token) gets the stored status, headers and body again, plus "Idempotent-Replayed: true";
// - the same key with a different request: 422; while the first is still being handled: 409;
// - 5xx answers and refusals that did not process the request (401, 408, 409, 429) are not
//   stored, so the client can retry with the same key;
// - keys expire after 24 hours; expired rows are purged hourly.
// Requests without the header cost nothing here: no lookup, no write.
// Lives on the HTTP thread.
class IdempotencyGuard : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaxKeyLength = 255;
    static constexpr int PurgeIntervalMs = 60 * 60 * 1000;

    IdempotencyGuard(Engine *engine, QObject *parent = nullptr);

    void intercept(const HttpRequest &request, const HttpResponder &responder,
                   const HttpServer::Proceed &proceed);
    void install(HttpServer &server);

    // The key from the header: an RFC 8941 string ("...") or a bare token; empty if invalid.
    static QString parseKey(const QByteArray &header);
    static QString fingerprint(const HttpRequest &request);
    // For message-creating routes: a client_message_id derived from the token, the key and the
    // request's fingerprint (empty without a valid key). Stored with the message in the same
    // transaction, it makes a retry after a crash between that commit and the storing of the
    // answer find the message instead of creating a second one.
    static QString clientMessageIdFor(const HttpRequest &request);
    static bool isStorable(int status);

private:
    void store(const QString &slot, const IdempotencyRecord &record,
               const HttpResponder::Reply &reply, const HttpResponder &outer);
    void release(const QString &slot);
    void purge();

    Engine *m_engine;
    QHash<QString, QString> m_inFlight; // scope + '\n' + key -> fingerprint
    QTimer m_purgeTimer;
};

} // namespace relaydesk
