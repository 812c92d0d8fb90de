"""The networks of graft's model plugins, in PyTorch, op for op.

- small_cnn: plugins/models/small_cnn/small_cnn.cpp (same modules, same order).
- resnet: torchvision 0.14's resnet18 with graft's settings (plugins/models/resnet): a grayscale
  stem conv (1 -> 64, 7x7, stride 2) initialised like torchvision's, the ImageNet max-pooling.
- bert: plugins/models/bert/bert_network.cpp, which is transformers' BertForSequenceClassification
  (eager attention: matmul, softmax, matmul; erf GELU; LayerNorm eps 1e-12; dropout 0.1).

Only the shapes and the operations matter for speed; initial weights follow each plugin's scheme.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


# --- small_cnn ---------------------------------------------------------------------------------

def _conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.MaxPool2d(2))


class SmallCnn(nn.Module):
    def __init__(self, classes, in_channels=1, channels=32, image_size=28, hidden=128, dropout=0.25):
        super().__init__()
        pooled = image_size // 4
        self.block1 = _conv_block(in_channels, channels)
        self.block2 = _conv_block(channels, 2 * channels)
        self.embedding = nn.Sequential(nn.Flatten(), nn.Dropout(dropout),
                                       nn.Linear(2 * channels * pooled * pooled, hidden), nn.ReLU())
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, classes))

    def features(self, x):
        return self.embedding(self.block2(self.block1(x)))

    def head(self, features):
        return self.classifier(features)

    def head_module(self):
        return self.classifier

    def forward(self, x):
        return self.head(self.features(x))


# --- resnet ------------------------------------------------------------------------------------

class ResNet(nn.Module):
    """torchvision's resnetN with in_channels input channels; features() = the pooled vector."""

    def __init__(self, classes, depth=18, in_channels=1):
        super().__init__()
        builder = {18: torchvision.models.resnet18, 34: torchvision.models.resnet34,
                   50: torchvision.models.resnet50}[depth]
        net = builder(weights=None, num_classes=classes)
        if in_channels != 3:
            net.conv1 = nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
            nn.init.kaiming_normal_(net.conv1.weight, mode="fan_out", nonlinearity="relu")
        self.net = net

    def features(self, x):
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        x = n.layer4(n.layer3(n.layer2(n.layer1(x))))
        return torch.flatten(n.avgpool(x), 1)

    def head(self, features):
        return self.net.fc(features)

    def forward(self, x):
        return self.head(self.features(x))

    def head_module(self):
        return self.net.fc


# --- bert --------------------------------------------------------------------------------------

BERT_PRESETS = {"tiny": (2, 128), "mini": (4, 256), "small": (4, 512), "medium": (8, 512), "base": (12, 768)}


class BertConfig:
    def __init__(self, preset="mini", vocab_size=30522, max_position_embeddings=512, type_vocab_size=2,
                 dropout=0.1, pad_token_id=0, layer_norm_eps=1e-12, initializer_range=0.02):
        layers, hidden = BERT_PRESETS[preset]
        self.num_hidden_layers = layers
        self.hidden_size = hidden
        self.num_attention_heads = max(1, hidden // 64)
        self.intermediate_size = 4 * hidden
        self.vocab_size = vocab_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.hidden_dropout_prob = dropout
        self.attention_probs_dropout_prob = dropout
        self.pad_token_id = pad_token_id
        self.layer_norm_eps = layer_norm_eps
        self.initializer_range = initializer_range


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids):
        positions = torch.arange(input_ids.size(1), dtype=torch.long).unsqueeze(0)
        e = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        e = e + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(e))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)

    def forward(self, hidden, additive_mask):
        n, length, width = hidden.shape
        d = width // self.heads

        def split(x):
            return x.view(n, length, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(hidden)), split(self.key(hidden)), split(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
        if additive_mask is not None:
            scores = scores + additive_mask
        probabilities = self.dropout(torch.softmax(scores, -1))
        return torch.matmul(probabilities, v).transpose(1, 2).contiguous().view(n, length, width)


class BertResidualOutput(nn.Module):
    def __init__(self, c, in_features):
        super().__init__()
        self.dense = nn.Linear(in_features, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, hidden, residual):
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertResidualOutput(c, c.hidden_size)

    def forward(self, hidden, additive_mask):
        return self.output(self.self(hidden, additive_mask), hidden)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate_dense = nn.Linear(c.hidden_size, c.intermediate_size)
        self.output = BertResidualOutput(c, c.intermediate_size)

    def forward(self, hidden, additive_mask):
        attended = self.attention(hidden, additive_mask)
        return self.output(F.gelu(self.intermediate_dense(attended)), attended)


class BertForSequenceClassification(nn.Module):
    def __init__(self, c, classes):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.layers = nn.ModuleList(BertLayer(c) for _ in range(c.num_hidden_layers))
        self.pooler = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.classifier = nn.Linear(c.hidden_size, classes)
        self.config = c
        self._init(c.initializer_range)

    def _init(self, std):
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0.0, std)
                    nn.init.zeros_(m.bias)
                elif isinstance(m, nn.Embedding):
                    nn.init.normal_(m.weight, 0.0, std)
                    if m.padding_idx is not None:
                        m.weight[m.padding_idx].zero_()
                elif isinstance(m, nn.LayerNorm):
                    nn.init.ones_(m.weight)
                    nn.init.zeros_(m.bias)

    def features(self, input_ids, token_type_ids, attention_mask):
        hidden = self.embeddings(input_ids, token_type_ids)
        mask = None
        if attention_mask is not None:
            mask = ((1.0 - attention_mask.to(hidden.dtype)) * torch.finfo(hidden.dtype).min).unsqueeze(1).unsqueeze(2)
        for layer in self.layers:
            hidden = layer(hidden, mask)
        return torch.tanh(self.pooler(hidden[:, 0]))

    def head(self, pooled):
        return self.classifier(self.dropout(pooled))

    def head_module(self):
        return self.classifier

    def forward(self, input_ids, token_type_ids, attention_mask):
        return self.head(self.features(input_ids, token_type_ids, attention_mask))


# --- optimizer ---------------------------------------------------------------------------------

def adamw(parameters, lr, weight_decay, betas=(0.9, 0.999), eps=1e-8, decay_biases_and_norms=False):
    """graft's AdamW (framework/engine/optimizer.cpp): with weight decay, one-dimensional parameters
    (biases, norm weights) go in a group without it unless decay_biases_and_norms."""
    parameters = [p for p in parameters if p.requires_grad]
    if weight_decay > 0 and not decay_biases_and_norms:
        groups = [{"params": [p for p in parameters if p.dim() > 1], "weight_decay": weight_decay},
                  {"params": [p for p in parameters if p.dim() <= 1], "weight_decay": 0.0}]
        groups = [g for g in groups if g["params"]]
    else:
        groups = [{"params": parameters, "weight_decay": weight_decay}]
    return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
