"""Latency for the network tests, in user space: this kernel has no netem
queueing discipline (CONFIG_NET_SCH_NETEM is not set), so a TCP proxy
delays every chunk it relays by a fixed time, each way, keeping the order
of the bytes and not limiting throughput. One listening port per target;
asyncio on a thread of the test process.
"""
import asyncio
import threading


class DelayProxy:
    def __init__(self, listen_host, targets, delay_s):
        """'targets': (host, port) pairs; ports[i] on listen_host relays to
        targets[i] with delay_s added each way."""
        self.listen_host, self.targets, self.delay_s = listen_host, list(targets), delay_s
        self.ports = []
        self.loop = None
        self.thread = None
        self.servers = []
        self.connections = 0

    def start(self):
        ready = threading.Event()
        failed = []

        def main():
            self.loop = asyncio.new_event_loop()
            try:
                for host, port in self.targets:
                    server = self.loop.run_until_complete(asyncio.start_server(
                        lambda r, w, h=host, p=port: self._relay(r, w, h, p),
                        self.listen_host, 0))
                    self.servers.append(server)
                    self.ports.append(server.sockets[0].getsockname()[1])
            except Exception as e:   # noqa: BLE001  (reported by start)
                failed.append(e)
            ready.set()
            if not failed:
                self.loop.run_forever()
            for s in self.servers:
                s.close()
            self.loop.close()

        self.thread = threading.Thread(target=main, name="delay-proxy", daemon=True)
        self.thread.start()
        ready.wait(10)
        if failed:
            raise failed[0]
        return self

    async def _relay(self, reader, writer, host, port):
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer),
                             return_exceptions=True)

    async def _pump(self, reader, writer):
        """Relay reader to writer, each chunk delay_s after it arrived."""
        loop = asyncio.get_running_loop()
        queue = asyncio.Queue()

        async def read():
            try:
                while True:
                    data = await reader.read(65536)
                    queue.put_nowait((loop.time() + self.delay_s, data))
                    if not data:
                        return
            except (OSError, asyncio.CancelledError):
                queue.put_nowait((loop.time(), b""))

        async def write():
            try:
                while True:
                    due, data = await queue.get()
                    wait = due - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    if not data:
                        return
                    writer.write(data)
                    await writer.drain()
            except OSError:
                pass
            finally:
                writer.close()

        await asyncio.gather(read(), write(), return_exceptions=True)

    def stop(self):
        """Close the listeners and every relayed connection, then the loop."""
        if self.loop is None or not self.thread.is_alive():
            return

        async def close_all():
            for s in self.servers:
                s.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
