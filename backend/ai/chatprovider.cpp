#include "ai/chatprovider.h"

namespace relaydesk {

QString toString(CallOutcome outcome)
{
    switch (outcome) {
    case CallOutcome::Success:
        return QStringLiteral("success");
    case CallOutcome::RateLimited:
        return QStringLiteral("rate_limited");
    case CallOutcome::Overloaded:
        return QStringLiteral("overloaded");
    case CallOutcome::ServerError:
        return QStringLiteral("server_error");
    case CallOutcome::ClientError:
        return QStringLiteral("client_error");
    case CallOutcome::Timeout:
        return QStringLiteral("timeout");
    case CallOutcome::NetworkError:
        return QStringLiteral("network_error");
    case CallOutcome::InvalidResponse:
        return QStringLiteral("invalid_response");
    case CallOutcome::CircuitOpen:
        return QStringLiteral("circuit_open");
    }
    return QStringLiteral("unknown");
}

bool ProviderReply::retryable() const
{
    if (ok())
        return false;
    // The providers say explicitly when a retry is pointless (or worth it despite the status).
    if (shouldRetry.has_value())
        return *shouldRetry;
    switch (outcome) {
    case CallOutcome::RateLimited:
    case CallOutcome::Overloaded:
    case CallOutcome::ServerError:
    case CallOutcome::NetworkError:
        return true;
    case CallOutcome::ClientError:
        return httpStatus == 408 || httpStatus == 409;
    case CallOutcome::Success:
    case CallOutcome::Timeout: // a slow provider is better replaced than waited for again
    case CallOutcome::InvalidResponse:
    case CallOutcome::CircuitOpen:
        break;
    }
    return false;
}

} // namespace relaydesk
