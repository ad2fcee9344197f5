#include "server/customerroutes.h"

#include "core/messagecodec.h"
#include "engine/engine.h"
#include "engine/threadingrules.h"
#include "observability/logger.h"
#include "server/httpserver.h"
#include "server/problem.h"
#include "storage/customerrepository.h"

namespace relaydesk {

namespace {

constexpr int kMaxUserIdLength = 256;

struct Customer {
    Platform platform = Platform::Webhook;
    QString userId;
    QStringList aliases; // how threading may have stored the id as a participant
};

std::optional<Customer> customerFrom(const HttpRequest &request, const HttpResponder &responder)
{
    QList<FieldError> errors;
    const std::optional<Platform> platform =
        parsePlatform(request.pathParam(QStringLiteral("platform")));
    if (!platform)
        errors.append({QStringLiteral("platform"),
                       QStringLiteral("must be one of telegram, discord, twitter, sms, mms, "
                                      "email, webhook")});
    const QString userId = request.pathParam(QStringLiteral("user_id"));
    if (userId.trimmed().isEmpty() || userId.size() > kMaxUserIdLength)
        errors.append({QStringLiteral("user_id"),
                       QStringLiteral("must be 1 to %1 characters").arg(kMaxUserIdLength)});
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return std::nullopt;
    }
    QStringList aliases;
    if (MessageCodec::isEmailAddress(userId))
        aliases.append(ThreadingRules::normaliseEmail(userId));
    else if (MessageCodec::isPhoneNumber(userId))
        aliases.append(ThreadingRules::normalisePhone(userId));
    return Customer{*platform, userId, aliases};
}

Problem noSuchCustomer()
{
    return Problem::notFound(QStringLiteral("Nothing is stored for this customer."));
}

} // namespace

CustomerRoutes::CustomerRoutes(Engine *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{}

void CustomerRoutes::install(HttpServer &server)
{
    server.router().get(QStringLiteral("/api/v1/customers/{platform}/{user_id}"),
                        [this](const HttpRequest &request, HttpResponder responder) {
                            exportCustomer(request, responder);
                        });
    server.router().remove(QStringLiteral("/api/v1/customers/{platform}/{user_id}"),
                           [this](const HttpRequest &request, HttpResponder responder) {
                               deleteCustomer(request, responder);
                           });
}

void CustomerRoutes::exportCustomer(const HttpRequest &request, const HttpResponder &responder)
{
    const std::optional<Customer> customer = customerFrom(request, responder);
    if (!customer)
        return;
    const Customer who = *customer;
    m_engine
        ->read<QJsonObject>([who](QSqlDatabase &db) {
            return CustomerRepository(db).exportCustomer(who.platform, who.userId, who.aliases);
        })
        .then(this, [this, who, request, responder](const Outcome<QJsonObject> &exported) {
            if (!exported.isOk()) {
                responder.sendProblem(Problem::fromError(exported.error()));
                return;
            }
            const int conversations =
                int(exported.value().value(QStringLiteral("conversations")).toArray().size());
            const QJsonObject detail{{QStringLiteral("conversations"), conversations}};
            const QString subject = CustomerRepository::subject(who.platform, who.userId);
            // The export is handed out only once it is on record.
            m_engine->writer()
                .submit<QString>([subject, actor = request.tokenId(),
                                  requestId = request.requestId(), detail](QSqlDatabase &db) {
                    return CustomerRepository(db).audit(QStringLiteral("customer.export"), subject,
                                                        actor, requestId, detail);
                })
                .then(this, [responder, exported, conversations](const Outcome<QString> &audit) {
                    if (!audit.isOk()) {
                        responder.sendProblem(Problem::fromError(audit.error()));
                        return;
                    }
                    if (conversations == 0) {
                        responder.sendProblem(noSuchCustomer());
                        return;
                    }
                    QJsonObject body = exported.value();
                    body.insert(QStringLiteral("audit_id"), audit.value());
                    responder.sendJson(200, body);
                });
        });
}

void CustomerRoutes::deleteCustomer(const HttpRequest &request, const HttpResponder &responder)
{
    const std::optional<Customer> customer = customerFrom(request, responder);
    if (!customer)
        return;
    const Customer who = *customer;
    struct Deleted {
        CustomerDeletion counts;
        QString auditId;
    };
    // One writer transaction: the rows go and the audit record appears together.
    m_engine->writer()
        .submit<Deleted>([who, actor = request.tokenId(),
                          requestId = request.requestId()](QSqlDatabase &db) -> Outcome<Deleted> {
            CustomerRepository customers(db);
            auto deleted = customers.deleteCustomer(who.platform, who.userId, who.aliases);
            if (!deleted.isOk())
                return deleted.error();
            auto audit = customers.audit(QStringLiteral("customer.delete"),
                                         CustomerRepository::subject(who.platform, who.userId),
                                         actor, requestId, deleted.value().toJson());
            if (!audit.isOk())
                return audit.error();
            return Deleted{deleted.value(), audit.value()};
        })
        .then(this, [who, responder](const Outcome<Deleted> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            if (result.value().counts.conversations == 0) {
                responder.sendProblem(noSuchCustomer());
                return;
            }
            qCInfo(lcServer, "customer data deleted (audit %s)",
                   qPrintable(result.value().auditId));
            responder.sendJson(
                200, QJsonObject{{QStringLiteral("platform"), toString(who.platform)},
                                 {QStringLiteral("user_id"), who.userId},
                                 {QStringLiteral("deleted"), result.value().counts.toJson()},
                                 {QStringLiteral("audit_id"), result.value().auditId}});
        });
}

} // namespace relaydesk
