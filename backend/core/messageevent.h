#pragma once

#include "core/enums.h"

#include <QDateTime>
#include <QString>

namespace relaydesk {

struct MessageEvent {
    QString id;
    QString messageId;
    EventType type = EventType::Queued;
    QString detail;
    QDateTime createdAt;
};

} // namespace relaydesk
