#include "server/twiliowebhook.h"

#include "channels/multipartparser.h"
#include "engine/engine.h"
#include "server/httpserver.h"
#include "server/problem.h"
#include "server/webhookroutes.h"

namespace relaydesk {

namespace {

const QString kChannel = QStringLiteral("twilio");

} // namespace

TwilioWebhook::TwilioWebhook(WebhookRoutes *routes)
    : QObject(routes)
    , m_routes(routes)
{}

void TwilioWebhook::install(HttpServer &server)
{
    server.router().post(QStringLiteral("/api/v1/webhooks/twilio"),
                         [this](const HttpRequest &request, HttpResponder responder) {
                             handle(request, responder, false);
                         });
    server.router().post(QLatin1String(TwilioChannel::StatusCallbackPath),
                         [this](const HttpRequest &request, HttpResponder responder) {
                             handle(request, responder, true);
                         });
}

void TwilioWebhook::acknowledge(const HttpResponder &responder)
{
    responder.sendBytes(200, QByteArrayLiteral("text/xml"), QByteArray(EmptyTwiml));
}

void TwilioWebhook::fail(const HttpRequest &request, const HttpResponder &responder,
                         const Error &error, const QElapsedTimer &timer)
{
    // Not durable: a 5xx lets Twilio (or its fallback URL) try again.
    const Problem problem = Problem::fromError(error);
    m_routes->log(request, kChannel, problem.status(), true, error.message, timer);
    responder.sendProblem(problem);
}

void TwilioWebhook::handle(const HttpRequest &request, const HttpResponder &responder,
                           bool statusPath)
{
    QElapsedTimer timer;
    timer.start();
    const Settings &settings = m_routes->engine()->settings();
    const TwilioSettings &twilio = settings.twilio;
    if (!twilio.enabled) {
        m_routes->log(request, kChannel, 404, false, QStringLiteral("channel disabled"), timer);
        responder.sendProblem(
            Problem::notFound(QStringLiteral("the twilio channel is not enabled")));
        return;
    }
    if (twilio.authToken.isEmpty() || settings.publicUrl.trimmed().isEmpty()) {
        m_routes->rejectUnverified(
            request, responder, kChannel,
            QStringLiteral("Twilio signatures cannot be checked: [channels.twilio] auth_token and "
                           "[server] public_url must both be set"),
            timer);
        return;
    }
    const QByteArray signature = request.header("X-Twilio-Signature");
    if (signature.isEmpty()) {
        m_routes->rejectUnverified(request, responder, kChannel,
                                   QStringLiteral("missing X-Twilio-Signature"), timer);
        return;
    }
    const QByteArray contentType = MultipartParser::mediaType(request.header("Content-Type"));
    if (contentType != "application/x-www-form-urlencoded") {
        m_routes->log(request, kChannel, 415, false, QStringLiteral("not form-encoded"), timer);
        responder.sendProblem(
            Problem::unsupportedMediaType(QStringLiteral("application/x-www-form-urlencoded")));
        return;
    }
    const FormFields fields = TwilioChannel::parseForm(request.body());
    const QString url = TwilioChannel::publicRequestUrl(settings.publicUrl, request.url());
    const QString account = TwilioChannel::formValue(fields, QStringLiteral("AccountSid"));
    // Replies to the fallback account's number and its status callbacks come signed with the
    // fallback's own token; the signature is then checked against that token.
    const bool viaFallback = !twilio.fallback.accountSid.isEmpty() &&
                             !twilio.fallback.authToken.isEmpty() &&
                             account == twilio.fallback.accountSid;
    const QString &token = viaFallback ? twilio.fallback.authToken : twilio.authToken;
    if (!TwilioChannel::verifySignature(token, url, fields, signature)) {
        m_routes->rejectUnverified(
            request, responder, kChannel,
            QStringLiteral("X-Twilio-Signature does not match %1 and the parameters").arg(url),
            timer);
        return;
    }
    if (!account.isEmpty() && !twilio.accountSid.isEmpty() && account != twilio.accountSid &&
        !viaFallback) {
        const QString reason =
            QStringLiteral("AccountSid %1 is not the configured Twilio account").arg(account);
        m_routes->log(request, kChannel, 403, true, reason, timer);
        responder.sendProblem(Problem(403, QStringLiteral("Forbidden"), reason));
        return;
    }
    if (statusPath || TwilioChannel::isStatusCallback(fields))
        status(request, responder, fields, timer);
    else
        inbound(request, responder, fields, timer);
}

void TwilioWebhook::inbound(const HttpRequest &request, const HttpResponder &responder,
                            const FormFields &fields, const QElapsedTimer &timer)
{
    const Outcome<Message> message = TwilioChannel::parseInbound(fields);
    if (!message.isOk()) {
        m_routes->log(request, kChannel, 400, true, message.error().message, timer);
        responder.sendProblem(Problem::badRequest(message.error().message));
        return;
    }
    m_routes->engine()
        ->ingest(message.value())
        .then(this, [this, request, responder, timer](const Outcome<IngestResult> &result) {
            if (!result.isOk()) {
                fail(request, responder, result.error(), timer);
                return;
            }
            m_routes->log(request, kChannel, 200, true,
                          result.value().duplicate ? QStringLiteral("duplicate")
                                                   : QStringLiteral("accepted"),
                          timer);
            acknowledge(responder);
        });
}

void TwilioWebhook::status(const HttpRequest &request, const HttpResponder &responder,
                           const FormFields &fields, const QElapsedTimer &timer)
{
    const Outcome<TwilioStatus> parsed = TwilioChannel::parseStatus(fields);
    if (!parsed.isOk()) {
        m_routes->log(request, kChannel, 400, true, parsed.error().message, timer);
        responder.sendProblem(Problem::badRequest(parsed.error().message));
        return;
    }
    const TwilioStatus status = parsed.value();
    if (!status.event) {
        // queued, sending, sent, read...: interim steps the message's own events already cover.
        m_routes->log(request, kChannel, 200, true,
                      QStringLiteral("status %1 not recorded").arg(status.status), timer);
        acknowledge(responder);
        return;
    }
    m_routes->engine()
        ->claimReceipt(TwilioChannel::receiptKey(status))
        .then(this, [this, request, responder, status, timer](const Outcome<bool> &claimed) {
            if (!claimed.isOk()) {
                fail(request, responder, claimed.error(), timer);
                return;
            }
            if (!claimed.value()) {
                m_routes->log(request, kChannel, 200, true, QStringLiteral("duplicate"), timer);
                acknowledge(responder);
                return;
            }
            record(request, responder, status, {Platform::Sms, Platform::Mms}, timer);
        });
}

void TwilioWebhook::record(const HttpRequest &request, const HttpResponder &responder,
                           const TwilioStatus &status, QList<Platform> platforms,
                           const QElapsedTimer &timer)
{
    const Platform platform = platforms.takeFirst();
    m_routes->engine()
        ->recordDeliveryStatus(platform, status.messageSid, *status.event, status.detail)
        .then(this, [this, request, responder, status, platforms,
                     timer](const Outcome<bool> &recorded) {
            if (!recorded.isOk()) {
                fail(request, responder, recorded.error(), timer);
                return;
            }
            if (!recorded.value() && !platforms.isEmpty()) {
                record(request, responder, status, platforms, timer);
                return;
            }
            // An unknown sid (sent by something else on the account) is acknowledged: Twilio
            // cannot do anything better with it.
            m_routes->log(request, kChannel, 200, true,
                          recorded.value() ? QStringLiteral("status %1 recorded").arg(status.status)
                                           : QStringLiteral("status %1 for unknown message %2")
                                                 .arg(status.status, status.messageSid),
                          timer);
            acknowledge(responder);
        });
}

} // namespace relaydesk
