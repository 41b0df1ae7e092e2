// Shared query execution with logging for the store classes.
#include "core/storage/SqlUtil.h"

#include "core/storage/StorageLog.h"

#include <QSqlError>

namespace anyrouter::sql {

bool exec(QSqlQuery& q, const char* what)
{
    if (q.exec())
        return true;
    qCWarning(lcStorage) << what << "failed:" << q.lastError().text();
    return false;
}

bool exec(QSqlQuery& q, const char* what, QSqlError* error)
{
    if (q.exec()) {
        if (error)
            *error = QSqlError();
        return true;
    }
    qCWarning(lcStorage) << what << "failed:" << q.lastError().text();
    if (error)
        *error = q.lastError();
    return false;
}

} // namespace anyrouter::sql
