#include "MainWindow.h"

namespace anyrouter {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
}

} // namespace anyrouter
