#pragma once

#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QObject>

namespace relaydesk {

class Engine;
class HttpServer;

// Privacy requests for one customer, named by platform and user id:
//   GET    /api/v1/customers/{platform}/{user_id}  every conversation, message (with its
//          events), job and note of that customer as one JSON document;
//   DELETE /api/v1/customers/{platform}/{user_id}  deletes all of it, search index included.
// Both are recorded in audit_log (action customer.export / customer.delete, the API token id as
// actor) in the same transaction as the deletion; 404 when nothing is stored for the customer.
class CustomerRoutes : public QObject
{
    Q_OBJECT

public:
    explicit CustomerRoutes(Engine *engine, QObject *parent = nullptr);

    void install(HttpServer &server);

private:
    void exportCustomer(const HttpRequest &request, const HttpResponder &responder);
    void deleteCustomer(const HttpRequest &request, const HttpResponder &responder);

    Engine *m_engine;
};

} // namespace relaydesk
