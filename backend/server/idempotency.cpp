#include "server/idempotency.h"

#include "engine/engine.h"
#include "observability/logger.h"

#include <QCryptographicHash>
#include <QDateTime>

namespace relaydesk {

namespace {

// Headers that describe this particular exchange rather than the stored answer.
bool isPerExchangeHeader(const QByteArray &name)
{
    for (const char *header : {"X-Request-Id", "RateLimit", "RateLimit-Policy", "Retry-After",
                               "Idempotent-Replayed", "Content-Length", "Connection"}) {
        if (name.compare(header, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

Problem keyProblem(int status, const QString &title, const QString &detail, const QString &slug)
{
    return Problem(status, title, detail, slug);
}

} // namespace

IdempotencyGuard::IdempotencyGuard(Engine *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_purgeTimer(this)
{
    m_purgeTimer.setInterval(PurgeIntervalMs);
    connect(&m_purgeTimer, &QTimer::timeout, this, &IdempotencyGuard::purge);
}

void IdempotencyGuard::install(HttpServer &server)
{
    server.setInterceptor(
        [this](const HttpRequest &request, const HttpResponder &responder,
               const HttpServer::Proceed &proceed) { intercept(request, responder, proceed); });
    // Started from the HTTP thread's event loop once the server runs there.
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_purgeTimer.start();
            purge();
        },
        Qt::QueuedConnection);
}

QString IdempotencyGuard::parseKey(const QByteArray &header)
{
    QByteArray key = header.trimmed();
    if (key.size() >= 2 && key.startsWith('"') && key.endsWith('"'))
        key = key.mid(1, key.size() - 2);
    if (key.isEmpty() || key.size() > MaxKeyLength)
        return {};
    for (const char c : std::as_const(key)) {
        // Visible ASCII only; quotes and backslashes would need sf-string escapes.
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f || c == '"' || c == '\\')
            return {};
    }
    return QString::fromLatin1(key);
}

QString IdempotencyGuard::fingerprint(const HttpRequest &request)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(request.method());
    hash.addData(" ");
    hash.addData(request.url()
                     .toString(QUrl::FullyEncoded | QUrl::RemoveScheme | QUrl::RemoveAuthority)
                     .toUtf8());
    hash.addData("\n");
    hash.addData(request.body());
    return QString::fromLatin1(hash.result().toHex());
}

QString IdempotencyGuard::clientMessageIdFor(const HttpRequest &request)
{
    if (request.method() != "POST" || !request.hasHeader("Idempotency-Key"))
        return {};
    const QString key = parseKey(request.header("Idempotency-Key"));
    if (key.isEmpty())
        return {};
    const QString scope =
        request.tokenId().isEmpty() ? QStringLiteral("anonymous") : request.tokenId();
    return QStringLiteral("idempotency:") + scope + QLatin1Char(':') + key + QLatin1Char(':') +
           fingerprint(request).left(16);
}

bool IdempotencyGuard::isStorable(int status)
{
    return status < 500 && status != 401 && status != 408 && status != 409 && status != 429;
}

void IdempotencyGuard::intercept(const HttpRequest &request, const HttpResponder &responder,
                                 const HttpServer::Proceed &proceed)
{
    if (request.method() != "POST" || !request.hasHeader("Idempotency-Key")) {
        proceed(request, responder);
        return;
    }
    const QString key = parseKey(request.header("Idempotency-Key"));
    if (key.isEmpty()) {
        responder.sendProblem(keyProblem(
            400, QStringLiteral("Invalid Idempotency-Key"),
            QStringLiteral("Idempotency-Key must be 1 to %1 visible ASCII characters, optionally "
                           "in double quotes.")
                .arg(MaxKeyLength),
            QStringLiteral("invalid-idempotency-key")));
        return;
    }
    const QString scope =
        request.tokenId().isEmpty() ? QStringLiteral("anonymous") : request.tokenId();
    const QString slot = scope + QLatin1Char('\n') + key;
    const QString print = fingerprint(request);

    const auto busy = m_inFlight.constFind(slot);
    if (busy != m_inFlight.constEnd()) {
        if (busy.value() != print)
            responder.sendProblem(keyProblem(
                422, QStringLiteral("Idempotency-Key reused"),
                QStringLiteral("This Idempotency-Key was already used for a different request."),
                QStringLiteral("idempotency-key-reused")));
        else
            responder.sendProblem(keyProblem(
                409, QStringLiteral("Request in progress"),
                QStringLiteral("A request with this Idempotency-Key is still being processed; "
                               "retry after it has been answered."),
                QStringLiteral("idempotency-key-in-flight")));
        return;
    }
    m_inFlight.insert(slot, print);

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_engine
        ->read<std::optional<IdempotencyRecord>>([scope, key, now](QSqlDatabase &db) {
            return IdempotencyStore(db).find(scope, key, now);
        })
        .then(this, [this, request, responder, proceed, slot, scope, key, print,
                     now](const Outcome<std::optional<IdempotencyRecord>> &found) {
            if (!found.isOk()) {
                release(slot);
                responder.sendProblem(Problem::fromError(found.error()));
                return;
            }
            if (const std::optional<IdempotencyRecord> &record = found.value()) {
                release(slot);
                if (record->fingerprint != print) {
                    responder.sendProblem(keyProblem(
                        422, QStringLiteral("Idempotency-Key reused"),
                        QStringLiteral(
                            "This Idempotency-Key was already used for a different request."),
                        QStringLiteral("idempotency-key-reused")));
                    return;
                }
                HttpResponder::Reply replay;
                replay.status = record->status;
                replay.body = record->body;
                replay.headers = record->headers;
                replay.headers.append(
                    {QByteArrayLiteral("X-Request-Id"), request.requestId().toLatin1()});
                replay.headers.append(
                    {QByteArrayLiteral("Idempotent-Replayed"), QByteArrayLiteral("true")});
                responder.sendReply(replay);
                return;
            }

            IdempotencyRecord pending;
            pending.scope = scope;
            pending.key = key;
            pending.fingerprint = print;
            pending.createdAtMs = now;
            pending.expiresAtMs = now + IdempotencyStore::DefaultLifetimeMs;
            const QPointer<IdempotencyGuard> guard(this);
            const HttpResponder wrapped(
                request.requestId(), request.encodedPath(),
                [guard, slot, pending, responder](HttpResponder::Reply reply) {
                    // Handlers may answer from any thread; the bookkeeping lives on ours.
                    if (!guard) {
                        responder.sendReply(reply);
                        return;
                    }
                    QMetaObject::invokeMethod(
                        guard.data(),
                        [guard, slot, pending, responder, reply = std::move(reply)] {
                            guard->store(slot, pending, reply, responder);
                        },
                        Qt::QueuedConnection);
                });
            proceed(request, wrapped);
        });
}

void IdempotencyGuard::store(const QString &slot, const IdempotencyRecord &pending,
                             const HttpResponder::Reply &reply, const HttpResponder &outer)
{
    if (!isStorable(reply.status)) {
        release(slot);
        outer.sendReply(reply);
        return;
    }
    IdempotencyRecord record = pending;
    record.status = reply.status;
    record.body = reply.body;
    for (const auto &header : reply.headers) {
        if (!isPerExchangeHeader(header.first))
            record.headers.append(header);
    }
    m_engine->writer()
        .submit<Done>([record](QSqlDatabase &db) { return IdempotencyStore(db).insert(record); })
        .then(this, [this, slot, reply, outer](const Outcome<Done> &stored) {
            if (!stored.isOk())
                qCWarning(lcServer).noquote()
                    << "cannot store an idempotent response:" << stored.error().message;
            release(slot);
            outer.sendReply(reply);
        });
}

void IdempotencyGuard::release(const QString &slot)
{
    m_inFlight.remove(slot);
}

void IdempotencyGuard::purge()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_engine->writer()
        .submit<int>([now](QSqlDatabase &db) { return IdempotencyStore(db).purgeExpired(now); })
        .then(this, [](const Outcome<int> &purged) {
            if (!purged.isOk())
                qCWarning(lcServer).noquote()
                    << "cannot purge expired idempotency keys:" << purged.error().message;
            else if (purged.value() > 0)
                qCInfo(lcServer, "purged %d expired idempotency keys", purged.value());
        });
}

} // namespace relaydesk
