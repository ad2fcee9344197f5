#pragma once

#include "core/outcome.h"

#include <QFutureWatcher>
#include <QObject>
#include <utility>

namespace relaydesk::ui {

// Delivers an engine result on `receiver`'s thread and drops it when the receiver is gone.
// QFuture::then(context, ...) in Qt 6.4 asserts that the context still exists when the future
// finishes, which a view closed during a slow read does not; a watcher owned by the receiver
// dies with it and takes the pending delivery along.
template <typename T, typename Handler>
void whenReady(const QFuture<Outcome<T>> &future, QObject *receiver, Handler handler)
{
    auto *watcher = new QFutureWatcher<Outcome<T>>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, handler = std::move(handler)]() mutable {
                         watcher->deleteLater();
                         const QFuture<Outcome<T>> done = watcher->future();
                         Outcome<T> result(Error{ErrorKind::Unavailable,
                                                 QStringLiteral("the engine stopped before it "
                                                                "answered"),
                                                 {},
                                                 0});
                         try {
                             if (done.resultCount() > 0)
                                 result = done.result();
                         } catch (...) {
                             result = Outcome<T>(Error{ErrorKind::Internal,
                                                       QStringLiteral("the engine raised an "
                                                                      "exception"),
                                                       {},
                                                       0});
                         }
                         handler(result);
                     });
    watcher->setFuture(future);
}

} // namespace relaydesk::ui
