"""An abuser for ``make loadtest`` that speaks Streamlit's own protocol, without a browser.

It does what the page's uploader does (the same messages, in the same order): opens the
lead-list page over the WebSocket, asks the server for upload URLs, PUTs the file,
reruns the page with the file in the uploader's state and waits for the run to end;
then deletes the file and reruns without it. So the server does exactly the work a
browser's upload causes, and this machine spends nothing on drawing the abuser's page
(an abuser's browser stands for a machine elsewhere; on this one it took a quarter of
the CPU from the measured browsers).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Common_pb2 import FileUploaderState, FileURLsRequest, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

XSRF_COOKIE = "_streamlit_xsrf"


@dataclass
class Run:
    """What one run of the page drew that a caller looks at."""

    errors: int = 0  # error boxes
    texts: list[str] = field(default_factory=list)  # Markdown and captions


class ProtocolSession:
    """One app session driven over the WebSocket, as the browser's frontend drives it."""

    def __init__(self, url: str, page: str) -> None:
        self.url, self.page = url.rstrip("/"), page
        self.http = requests.Session()
        self.session_id = ""
        self.widgets: dict[str, str] = {}  # user key -> widget id, from the drawn elements
        self.ws = None

    async def open(self) -> None:
        """Load the page and the health check as a browser does (the health check sets the
        XSRF cookie), connect, run the page."""
        await asyncio.to_thread(self.http.get, f"{self.url}/{self.page}", timeout=30)
        await asyncio.to_thread(self.http.get, f"{self.url}/_stcore/health", timeout=30)
        token = self.http.cookies.get(XSRF_COOKIE, "")
        ws_url = "ws://" + urlsplit(self.url).netloc + "/_stcore/stream"
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit", token] if token else ["streamlit"],
            max_size=None,
            additional_headers={"Cookie": f"{XSRF_COOKIE}={token}"} if token else None,
        )
        await self.rerun([])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        self.http.close()

    async def _send(self, msg: BackMsg) -> None:
        await self.ws.send(msg.SerializeToString())

    async def _receive(self) -> ForwardMsg:
        msg = ForwardMsg()
        msg.ParseFromString(await self.ws.recv())
        if msg.WhichOneof("type") == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
        return msg

    async def rerun(self, widgets: list[WidgetState]) -> Run:
        """Rerun the page with these widget values; return when the run has ended."""
        state = ClientState(page_name=self.page, widget_states=WidgetStates(widgets=widgets))
        await self._send(BackMsg(rerun_script=state))
        run = Run()
        while True:
            msg = await self._receive()
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                widget = getattr(element, element.WhichOneof("type") or "", None)
                widget_id = getattr(widget, "id", "")
                if isinstance(widget_id, str) and "-" in widget_id:
                    self.widgets[widget_id.rsplit("-", 1)[-1]] = widget_id
                if element.WhichOneof("type") == "alert" and element.alert.format == 1:
                    run.errors += 1
                if element.WhichOneof("type") == "markdown":
                    run.texts.append(element.markdown.body)
            elif kind == "script_finished":
                return run

    async def upload_urls(self, name: str):
        request_id = uuid.uuid4().hex
        await self._send(
            BackMsg(
                file_urls_request=FileURLsRequest(
                    request_id=request_id, file_names=[name], session_id=self.session_id
                )
            )
        )
        while True:
            msg = await self._receive()
            if msg.WhichOneof("type") == "file_urls_response":
                if msg.file_urls_response.response_id == request_id:
                    return msg.file_urls_response.file_urls[0]

    def _absolute(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.url}/{path.lstrip('/')}"

    def _xsrf(self) -> dict[str, str]:
        return {"X-Xsrftoken": self.http.cookies.get(XSRF_COOKIE, "")}

    async def upload(self, key: str, path: Path) -> Run:
        """Upload ``path`` into the uploader ``key`` and rerun; then remove it and rerun.
        Returns what the run that read the upload drew."""
        urls = await self.upload_urls(path.name)
        data = path.read_bytes()
        put = await asyncio.to_thread(
            self.http.put,
            self._absolute(urls.upload_url),
            files={"file": (path.name, data, "application/octet-stream")},
            headers=self._xsrf(),
            timeout=60,
        )
        put.raise_for_status()
        info = UploadedFileInfo(
            name=path.name, size=len(data), file_id=urls.file_id, file_urls=urls
        )
        widget_id = self.widgets[key]
        state = FileUploaderState(uploaded_file_info=[info])
        read = await self.rerun([WidgetState(id=widget_id, file_uploader_state_value=state)])
        await asyncio.to_thread(
            self.http.delete, self._absolute(urls.delete_url), headers=self._xsrf(), timeout=30
        )
        await self.rerun([WidgetState(id=widget_id, file_uploader_state_value=FileUploaderState())])
        return read
