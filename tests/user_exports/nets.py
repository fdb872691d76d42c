"""Small but realistic PyTorch models, written as users write them, for the user-export zoo."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional

VOCAB = 1000
MAX_POSITIONS = 512


# --- CNNs ---------------------------------------------------------------------------------------


class BasicBlock(nn.Module):
    """A ResNet basic block: conv-bn-relu twice, identity or 1×1 projection shortcut."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = functional.relu(self.bn1(self.conv1(x)))
        return functional.relu(self.bn2(self.conv2(y)) + self.downsample(x))


class ResNet(nn.Module):
    """A ResNet-18-shaped network at a quarter of the width, one block per stage."""

    def __init__(self, classes: int = 100) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 7, 2, 3, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(3, 2, 1)
        )
        widths = [(16, 16, 1), (16, 32, 2), (32, 64, 2), (64, 128, 2)]
        self.layers = nn.Sequential(*(BasicBlock(i, o, s) for i, o, s in widths))
        self.fc = nn.Linear(128, classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.layers(self.stem(images))
        return self.fc(torch.flatten(functional.adaptive_avg_pool2d(x, 1), 1))


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1×1 expand, 3×3 depthwise, 1×1 project, ReLU6, residual when it fits."""

    def __init__(self, cin: int, cout: int, stride: int, expand: int) -> None:
        super().__init__()
        hidden = cin * expand
        layers: list[nn.Module] = []
        if expand != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6()]
        layers += [
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(),
            nn.Conv2d(hidden, cout, 1, bias=False),
            nn.BatchNorm2d(cout),
        ]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.residual else self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNetV2 at width 0.5 with its stages shortened; adaptive average pool head."""

    def __init__(self, classes: int = 100) -> None:
        super().__init__()
        layers: list[nn.Module] = [
            nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6()
        ]  # fmt: skip
        cin = 16
        for expand, cout, repeats, stride in [(1, 8, 1, 1), (6, 16, 2, 2), (6, 24, 2, 2), (6, 48, 2, 2)]:
            for i in range(repeats):
                layers.append(InvertedResidual(cin, cout, stride if i == 0 else 1, expand))
                cin = cout
        layers += [nn.Conv2d(cin, 320, 1, bias=False), nn.BatchNorm2d(320), nn.ReLU6()]
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(320, classes))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.pool(self.features(images)), 1))


def _double_conv(cin: int, cout: int) -> nn.Sequential:
    """Two conv-bn-relu layers, UNet style."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
    )  # fmt: skip


class UNet(nn.Module):
    """A two-level UNet: max-pool down, ConvTranspose up on one level, bilinear Upsample on the other."""

    def __init__(self) -> None:
        super().__init__()
        self.enc1, self.enc2, self.mid = _double_conv(3, 16), _double_conv(16, 32), _double_conv(32, 64)
        self.up2 = nn.ConvTranspose2d(64, 32, 2, stride=2)
        self.dec2 = _double_conv(64, 32)
        self.up1 = nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(32, 16, 1))
        self.dec1 = _double_conv(32, 16)
        self.head = nn.Conv2d(16, 2, 1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        e1 = self.enc1(images)
        e2 = self.enc2(functional.max_pool2d(e1, 2))
        m = self.mid(functional.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


# --- transformers -------------------------------------------------------------------------------


class BertLayer(nn.Module):
    """A post-norm BERT layer with attention written out as Hugging Face's BertSelfAttention does."""

    def __init__(self, hidden: int, heads: int, ffn: int) -> None:
        super().__init__()
        self.heads, self.head = heads, hidden // heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attn_out, self.attn_norm = nn.Linear(hidden, hidden), nn.LayerNorm(hidden, eps=1e-12)
        self.inter, self.out = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=1e-12)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        """[batch, seq, hidden] → [batch, heads, seq, head]."""
        return x.view(x.size(0), x.size(1), self.heads, self.head).permute(0, 2, 1, 3)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head) + mask
        context = torch.matmul(torch.softmax(scores, dim=-1), v).permute(0, 2, 1, 3).contiguous()
        context = context.view(context.size(0), context.size(1), -1)
        x = self.attn_norm(x + self.attn_out(context))
        return self.out_norm(x + self.out(functional.gelu(self.inter(x))))


class Bert(nn.Module):
    """A 2-layer BERT encoder with word, position and token-type embeddings and a tanh pooler."""

    hidden, heads, ffn, layers = 64, 4, 256, 2

    def __init__(self) -> None:
        super().__init__()
        self.words = nn.Embedding(VOCAB, self.hidden)
        self.positions = nn.Embedding(MAX_POSITIONS, self.hidden)
        self.token_types = nn.Embedding(2, self.hidden)
        self.norm = nn.LayerNorm(self.hidden, eps=1e-12)
        self.encoder = nn.ModuleList(BertLayer(self.hidden, self.heads, self.ffn) for _ in range(self.layers))
        self.pooler = nn.Linear(self.hidden, self.hidden)
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS).expand(1, -1), persistent=False)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        positions = self.position_ids[:, : input_ids.size(1)]
        x = self.words(input_ids) + self.token_types(token_type_ids) + self.positions(positions)
        x = self.norm(x)
        extended = attention_mask[:, None, None, :].to(x.dtype)
        extended = (1.0 - extended) * torch.finfo(x.dtype).min
        for layer in self.encoder:
            x = layer(x, extended)
        return x, torch.tanh(self.pooler(x[:, 0]))


class GptBlock(nn.Module):
    """A pre-norm GPT-2 block whose attention appends to a KV cache and returns the new one."""

    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.heads, self.head = heads, hidden // heads
        self.ln1, self.ln2 = nn.LayerNorm(hidden), nn.LayerNorm(hidden)
        self.c_attn, self.c_proj = nn.Linear(hidden, 3 * hidden), nn.Linear(hidden, hidden)
        self.fc, self.proj = nn.Linear(hidden, 4 * hidden), nn.Linear(4 * hidden, hidden)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        """[batch, seq, hidden] → [batch, heads, seq, head]."""
        return x.view(x.size(0), x.size(1), self.heads, self.head).transpose(1, 2)

    def forward(
        self, x: torch.Tensor, past_key: torch.Tensor, past_value: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        q, k, v = self.c_attn(self.ln1(x)).split(x.size(-1), dim=2)
        key = torch.cat([past_key, self._split(k)], dim=2)
        value = torch.cat([past_value, self._split(v)], dim=2)
        scores = torch.matmul(self._split(q), key.transpose(-1, -2)) / math.sqrt(self.head) + mask
        context = torch.matmul(torch.softmax(scores, dim=-1), value).transpose(1, 2)
        x = x + self.c_proj(context.reshape(x.shape))
        x = x + self.proj(functional.gelu(self.fc(self.ln2(x)), approximate="tanh"))
        return x, key, value


class Gpt(nn.Module):
    """A 2-layer GPT-2-style decoder with a KV cache; positions and the causal mask come from shapes."""

    hidden, heads, layers = 64, 4, 2

    def __init__(self) -> None:
        super().__init__()
        self.wte, self.wpe = nn.Embedding(VOCAB, self.hidden), nn.Embedding(MAX_POSITIONS, self.hidden)
        self.blocks = nn.ModuleList(GptBlock(self.hidden, self.heads) for _ in range(self.layers))
        self.ln_f = nn.LayerNorm(self.hidden)
        self.lm_head = nn.Linear(self.hidden, VOCAB, bias=False)

    def forward(
        self,
        input_ids: torch.Tensor,
        past_key_0: torch.Tensor,
        past_value_0: torch.Tensor,
        past_key_1: torch.Tensor,
        past_value_1: torch.Tensor,
    ) -> tuple[torch.Tensor, ...]:
        past, seq = past_key_0.size(2), input_ids.size(1)
        positions = torch.arange(past, past + seq, device=input_ids.device)
        x = self.wte(input_ids) + self.wpe(positions)[None]
        allowed = torch.arange(past + seq)[None, :] <= positions[:, None]
        mask = torch.zeros(allowed.shape, dtype=x.dtype).masked_fill(~allowed, torch.finfo(x.dtype).min)
        presents: list[torch.Tensor] = []
        for block, (key, value) in zip(
            self.blocks, [(past_key_0, past_value_0), (past_key_1, past_value_1)], strict=True
        ):
            x, key, value = block(x, key, value, mask)
            presents += [key, value]
        return (self.lm_head(self.ln_f(x)), *presents)


class VitBlock(nn.Module):
    """A pre-norm ViT block on nn.MultiheadAttention."""

    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(hidden, eps=1e-6), nn.LayerNorm(hidden, eps=1e-6)
        self.attn = nn.MultiheadAttention(hidden, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(hidden, 4 * hidden), nn.GELU(), nn.Linear(4 * hidden, hidden))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.norm1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class Vit(nn.Module):
    """A ViT on 64×64 images: 8×8 patches by a strided conv, a class token, learned positions."""

    hidden, heads, patch, image = 64, 4, 8, 64

    def __init__(self, classes: int = 100) -> None:
        super().__init__()
        tokens = (self.image // self.patch) ** 2 + 1
        self.patch_embed = nn.Conv2d(3, self.hidden, self.patch, self.patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, self.hidden) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, tokens, self.hidden) * 0.02)
        self.blocks = nn.Sequential(VitBlock(self.hidden, self.heads), VitBlock(self.hidden, self.heads))
        self.norm = nn.LayerNorm(self.hidden, eps=1e-6)
        self.head = nn.Linear(self.hidden, classes)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.size(0), -1, -1), x], dim=1) + self.pos_embed
        return self.head(self.norm(self.blocks(x))[:, 0])


class TorchEncoder(nn.Module):
    """Token embedding, a 2-layer nn.TransformerEncoder (batch_first, padding mask) and a mean-pool head."""

    hidden, heads, ffn = 64, 4, 256

    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, self.hidden)
        layer = nn.TransformerEncoderLayer(self.hidden, self.heads, self.ffn, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(self.hidden, classes)

    def forward(self, input_ids: torch.Tensor, padding_mask: torch.Tensor) -> torch.Tensor:
        x = self.encoder(self.embed(input_ids), src_key_padding_mask=padding_mask)
        return self.head(x.mean(dim=1))


# --- recurrent ----------------------------------------------------------------------------------


class LstmClassifier(nn.Module):
    """A 2-layer bidirectional LSTM over [batch, time, features], mean over time, linear head."""

    features, hidden, layers, directions = 40, 64, 2, 2

    def __init__(self, classes: int = 12) -> None:
        super().__init__()
        self.rnn = nn.LSTM(self.features, self.hidden, self.layers, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * self.hidden, classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.rnn(features)[0].mean(dim=1))


class GruClassifier(nn.Module):
    """A 2-layer unidirectional GRU over [time, batch, features]; the last hidden state feeds the head."""

    features, hidden, layers, directions = 40, 96, 2, 1

    def __init__(self, classes: int = 12) -> None:
        super().__init__()
        self.rnn = nn.GRU(self.features, self.hidden, self.layers)
        self.head = nn.Linear(self.hidden, classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.rnn(features)[1][-1])


class Crnn(nn.Module):
    """A text-line recognizer: conv stack on [batch, 1, 32, width], BiLSTM over width/4, per-step logits."""

    hidden, classes = 64, 37

    def __init__(self) -> None:
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d((2, 1)),
            nn.Conv2d(64, 64, (4, 1), bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        )  # fmt: skip
        self.rnn = nn.LSTM(64, self.hidden, bidirectional=True)
        self.fc = nn.Linear(2 * self.hidden, self.classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.cnn(images).squeeze(2).permute(2, 0, 1)  # [width/4, batch, 64]
        return self.fc(self.rnn(x)[0]).log_softmax(-1)
